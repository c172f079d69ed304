//! The JavaScript API (wasm32 only): converts values and nothing else.

mod convert;
mod platform;
mod webhooks;

use crate::{Config, Result};
use convert::{arg_json, error_to_js, from_json};
use platform::JsPlatform;
use std::future::Future;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = include_str!("types.d.ts");

/// Runs a core call as a JS promise: JSON text out becomes a JS value, an
/// error becomes a rejected `EdgetextError`.
fn promise<F>(fut: F) -> js_sys::Promise
where
    F: Future<Output = Result<String>> + 'static,
{
    wasm_bindgen_futures::future_to_promise(async move {
        match fut.await {
            Ok(json) => from_json(&json),
            Err(e) => Err(error_to_js(e)),
        }
    })
}

/// A client for one messaging provider.
#[wasm_bindgen(js_name = Client)]
pub struct JsClient {
    inner: Rc<crate::Client<JsPlatform>>,
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
        let c = self.inner.clone();
        promise(async move { Ok(c.send(&arg_json(&message, "message").map_err(|e| js_err(e))?).await?.to_json()) })
    }

    /// Sends a one-time code (TextLink's own, or a signed code elsewhere).
    #[wasm_bindgen(js_name = sendCode, unchecked_return_type = "Promise<CodeTicket>")]
    pub fn send_code(&self, #[wasm_bindgen(unchecked_param_type = "CodeRequest")] request: JsValue) -> js_sys::Promise {
        let c = self.inner.clone();
        promise(async move { Ok(c.send_code(&arg_json(&request, "request").map_err(js_err)?).await?.to_json()) })
    }

    /// Checks a one-time code; a wrong code resolves `{ valid: false }`.
    #[wasm_bindgen(js_name = verifyCode, unchecked_return_type = "Promise<Verification>")]
    pub fn verify_code(&self, #[wasm_bindgen(unchecked_param_type = "VerifyRequest")] request: JsValue) -> js_sys::Promise {
        let c = self.inner.clone();
        promise(async move { Ok(c.verify_code(&arg_json(&request, "request").map_err(js_err)?).await?.to_json()) })
    }

    /// Reads a message's delivery status.
    #[wasm_bindgen(unchecked_return_type = "Promise<MessageStatus>")]
    pub fn status(&self, #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue) -> js_sys::Promise {
        let c = self.inner.clone();
        promise(async move {
            let id = id.as_string().ok_or_else(|| crate::Error::input("status id must be a string"))?;
            Ok(c.status(&id).await?.to_json())
        })
    }

    /// textlink: sets a contact's tag.
    #[wasm_bindgen(js_name = updateContactTag, unchecked_return_type = "Promise<ProviderAnswer>")]
    pub fn update_contact_tag(&self, #[wasm_bindgen(unchecked_param_type = "ContactTagRequest")] request: JsValue) -> js_sys::Promise {
        let c = self.inner.clone();
        promise(async move { c.update_contact_tag(&arg_json(&request, "request").map_err(js_err)?).await })
    }

    /// relay: the newest messages.
    #[wasm_bindgen(js_name = listMessages, unchecked_return_type = "Promise<ProviderAnswer>")]
    pub fn list_messages(&self, #[wasm_bindgen(unchecked_param_type = "{ limit?: number }")] options: JsValue) -> js_sys::Promise {
        let c = self.inner.clone();
        let options = if options.is_undefined() { js_sys::Object::new().into() } else { options };
        promise(async move { c.list_messages(&arg_json(&options, "options").map_err(js_err)?).await })
    }

    /// relay: the relay's health.
    #[wasm_bindgen(unchecked_return_type = "Promise<ProviderAnswer>")]
    pub fn health(&self) -> js_sys::Promise {
        let c = self.inner.clone();
        promise(async move { c.health().await })
    }

    /// relay: the inbound report for a filter.
    #[wasm_bindgen(js_name = inboundQuery, unchecked_return_type = "Promise<ProviderAnswer>")]
    pub fn inbound_query(&self, #[wasm_bindgen(unchecked_param_type = "InboundFilter")] filter: JsValue) -> js_sys::Promise {
        let c = self.inner.clone();
        let filter = if filter.is_undefined() { js_sys::Object::new().into() } else { filter };
        promise(async move { c.inbound_query(&arg_json(&filter, "filter").map_err(js_err)?).await })
    }

    /// relay: the registered inbound callbacks.
    #[wasm_bindgen(js_name = listCallbacks, unchecked_return_type = "Promise<ProviderAnswer>")]
    pub fn list_callbacks(&self) -> js_sys::Promise {
        let c = self.inner.clone();
        promise(async move { c.list_callbacks().await })
    }

    /// relay: registers an inbound callback.
    #[wasm_bindgen(js_name = registerCallback, unchecked_return_type = "Promise<ProviderAnswer>")]
    pub fn register_callback(&self, #[wasm_bindgen(unchecked_param_type = "InboundCallback")] callback: JsValue) -> js_sys::Promise {
        let c = self.inner.clone();
        promise(async move { c.register_callback(&arg_json(&callback, "callback").map_err(js_err)?).await })
    }

    /// relay: removes an inbound callback.
    #[wasm_bindgen(js_name = deleteCallback, unchecked_return_type = "Promise<ProviderAnswer>")]
    pub fn delete_callback(&self, #[wasm_bindgen(unchecked_param_type = "{ callbackUrl: string }")] request: JsValue) -> js_sys::Promise {
        let c = self.inner.clone();
        promise(async move { c.delete_callback(&arg_json(&request, "request").map_err(js_err)?).await })
    }
}

/// `arg_json` already built the JS error; the core wants its own type back.
fn js_err(_already_js: JsValue) -> crate::Error {
    crate::Error::input("argument cannot be turned into JSON")
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
