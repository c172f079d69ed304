//! The JavaScript API (wasm32 only): converts values and nothing else.

mod convert;
mod platform;
mod webhooks;

use crate::{Config, Result};
use convert::{arg_json, error_to_js, from_json};
use platform::JsPlatform;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = include_str!("types.d.ts");

/// Every asynchronous client operation. One dispatcher serves them all so
/// the wasm holds a single future-to-promise bridge instead of one per method.
#[derive(Clone, Copy)]
enum Op {
    Send,
    SendCode,
    VerifyCode,
    Status,
    UpdateContactTag,
    ListMessages,
    Health,
    InboundQuery,
    ListCallbacks,
    RegisterCallback,
    DeleteCallback,
}

async fn dispatch(c: &crate::Client<JsPlatform>, op: Op, arg: &str) -> Result<String> {
    match op {
        Op::Send => c.send(arg).await.map(|r| r.to_json()),
        Op::SendCode => c.send_code(arg).await.map(|r| r.to_json()),
        Op::VerifyCode => c.verify_code(arg).await.map(|r| r.to_json()),
        Op::Status => c.status(arg).await.map(|r| r.to_json()),
        Op::UpdateContactTag => c.update_contact_tag(arg).await,
        Op::ListMessages => c.list_messages(arg).await,
        Op::Health => c.health().await,
        Op::InboundQuery => c.inbound_query(arg).await,
        Op::ListCallbacks => c.list_callbacks().await,
        Op::RegisterCallback => c.register_callback(arg).await,
        Op::DeleteCallback => c.delete_callback(arg).await,
    }
}

/// A client for one messaging provider.
#[wasm_bindgen(js_name = Client)]
pub struct JsClient {
    inner: Rc<crate::Client<JsPlatform>>,
}

impl JsClient {
    /// Runs one operation as a promise: JSON text out becomes a JS value, an
    /// error becomes a rejected `EdgetextError`.
    fn run(&self, op: Op, arg: Result<String, JsValue>) -> js_sys::Promise {
        let c = self.inner.clone();
        wasm_bindgen_futures::future_to_promise(async move {
            match dispatch(&c, op, &arg?).await {
                Ok(json) => from_json(&json),
                Err(e) => Err(error_to_js(e)),
            }
        })
    }
}

#[wasm_bindgen(js_class = Client)]
impl JsClient {
    /// Validates `config` and makes a client; throws `invalid_config` naming the bad field.
    #[wasm_bindgen(constructor)]
    pub fn new(#[wasm_bindgen(unchecked_param_type = "ClientConfig")] config: JsValue) -> Result<JsClient, JsValue> {
        let text = arg_json(&config, "config")?;
        let cfg = Config::from_json(&text).map_err(error_to_js)?;
        Ok(JsClient { inner: Rc::new(crate::Client::new(cfg, JsPlatform)) })
    }

    /// The configured provider.
    #[wasm_bindgen(getter, unchecked_return_type = "ProviderName")]
    pub fn provider(&self) -> String {
        self.inner.config().provider.as_str().into()
    }

    /// Sends a message.
    #[wasm_bindgen(unchecked_return_type = "Promise<SendReceipt>")]
    pub fn send(&self, #[wasm_bindgen(unchecked_param_type = "Message")] message: JsValue) -> js_sys::Promise {
        self.run(Op::Send, arg_json(&message, "message"))
    }

    /// Sends a one-time code (TextLink's own, or a signed code elsewhere).
    #[wasm_bindgen(js_name = sendCode, unchecked_return_type = "Promise<CodeTicket>")]
    pub fn send_code(&self, #[wasm_bindgen(unchecked_param_type = "CodeRequest")] request: JsValue) -> js_sys::Promise {
        self.run(Op::SendCode, arg_json(&request, "request"))
    }

    /// Checks a one-time code; a wrong code resolves `{ valid: false }`.
    #[wasm_bindgen(js_name = verifyCode, unchecked_return_type = "Promise<Verification>")]
    pub fn verify_code(&self, #[wasm_bindgen(unchecked_param_type = "VerifyRequest")] request: JsValue) -> js_sys::Promise {
        self.run(Op::VerifyCode, arg_json(&request, "request"))
    }

    /// Reads a message's delivery status.
    #[wasm_bindgen(unchecked_return_type = "Promise<MessageStatus>")]
    pub fn status(&self, #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue) -> js_sys::Promise {
        let id = id.as_string().ok_or_else(|| error_to_js(crate::Error::input("status id must be a string")));
        self.run(Op::Status, id)
    }

    /// textlink: sets a contact's tag.
    #[wasm_bindgen(js_name = updateContactTag, unchecked_return_type = "Promise<ProviderAnswer>")]
    pub fn update_contact_tag(&self, #[wasm_bindgen(unchecked_param_type = "ContactTagRequest")] request: JsValue) -> js_sys::Promise {
        self.run(Op::UpdateContactTag, arg_json(&request, "request"))
    }

    /// relay: the newest messages.
    #[wasm_bindgen(js_name = listMessages, unchecked_return_type = "Promise<ProviderAnswer>")]
    pub fn list_messages(&self, #[wasm_bindgen(unchecked_param_type = "{ limit?: number }")] options: JsValue) -> js_sys::Promise {
        self.run(Op::ListMessages, optional_arg(&options, "options"))
    }

    /// relay: the relay's health.
    #[wasm_bindgen(unchecked_return_type = "Promise<ProviderAnswer>")]
    pub fn health(&self) -> js_sys::Promise {
        self.run(Op::Health, Ok(String::new()))
    }

    /// relay: the inbound report for a filter.
    #[wasm_bindgen(js_name = inboundQuery, unchecked_return_type = "Promise<ProviderAnswer>")]
    pub fn inbound_query(&self, #[wasm_bindgen(unchecked_param_type = "InboundFilter")] filter: JsValue) -> js_sys::Promise {
        self.run(Op::InboundQuery, optional_arg(&filter, "filter"))
    }

    /// relay: the registered inbound callbacks.
    #[wasm_bindgen(js_name = listCallbacks, unchecked_return_type = "Promise<ProviderAnswer>")]
    pub fn list_callbacks(&self) -> js_sys::Promise {
        self.run(Op::ListCallbacks, Ok(String::new()))
    }

    /// relay: registers an inbound callback.
    #[wasm_bindgen(js_name = registerCallback, unchecked_return_type = "Promise<ProviderAnswer>")]
    pub fn register_callback(&self, #[wasm_bindgen(unchecked_param_type = "InboundCallback")] callback: JsValue) -> js_sys::Promise {
        self.run(Op::RegisterCallback, arg_json(&callback, "callback"))
    }

    /// relay: removes an inbound callback.
    #[wasm_bindgen(js_name = deleteCallback, unchecked_return_type = "Promise<ProviderAnswer>")]
    pub fn delete_callback(&self, #[wasm_bindgen(unchecked_param_type = "{ callbackUrl: string }")] request: JsValue) -> js_sys::Promise {
        self.run(Op::DeleteCallback, arg_json(&request, "request"))
    }
}

/// An optional argument object: `undefined` means `{}`.
fn optional_arg(value: &JsValue, what: &str) -> Result<String, JsValue> {
    if value.is_undefined() {
        Ok("{}".into())
    } else {
        arg_json(value, what)
    }
}

/// Counts the SMS segments of `text` (GSM-7 160/153, UCS-2 70/67).
#[wasm_bindgen(unchecked_return_type = "SegmentInfo")]
pub fn segments(text: &str) -> JsValue {
    from_json(&crate::segments(text).to_json()).unwrap_or(JsValue::NULL)
}

/// Normalises a phone number to E.164; throws `invalid_phone`.
#[wasm_bindgen(js_name = normalizePhone)]
pub fn normalize_phone(
    input: &str,
    #[wasm_bindgen(unchecked_param_type = "{ defaultCountry?: string }")] options: JsValue,
) -> Result<String, JsValue> {
    let country = if options.is_object() {
        js_sys::Reflect::get(&options, &JsValue::from_str("defaultCountry")).ok().and_then(|v| v.as_string())
    } else {
        None
    };
    crate::normalize_phone(input, country.as_deref()).map_err(error_to_js)
}
