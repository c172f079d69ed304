//! The floor of the stack: one provider's send (textlink) on wasm-bindgen,
//! wasm-bindgen-futures, web-sys, gloo-net, serde and serde-wasm-bindgen,
//! driven from Rust with an AbortController timeout as the package does, and
//! nothing else: no validation, retries, phones, errors or idempotency rules.
//! The same request bytes as `client.send` (bench/floor.mjs checks them).
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

// The package's allocator, so that the two differ only in what they do.
#[global_allocator]
static ALLOC: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    // SAFETY: wasm32-unknown-unknown without the atomics feature runs one thread.
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Config {
    api_key: String,
    base_url: String,
}

#[derive(Deserialize)]
struct Message {
    to: String,
    text: String,
}

#[derive(Serialize)]
struct Body<'a> {
    phone_number: &'a str,
    text: &'a str,
    custom_id: String,
}

#[derive(Deserialize)]
struct Answer {
    ok: bool,
    #[serde(default)]
    queued: bool,
}

#[derive(Serialize)]
struct Receipt {
    provider: &'static str,
    status: &'static str,
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = fetch)]
    fn fetch_with(input: &str, init: &web_sys::RequestInit) -> js_sys::Promise;
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(f: &js_sys::Function, ms: f64, arg: &JsValue) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: &JsValue);
    #[wasm_bindgen(js_namespace = crypto, js_name = randomUUID)]
    fn random_uuid() -> String;
}

/// A client of one textlink account.
#[wasm_bindgen]
pub struct Client {
    config: Config,
    fetch: Option<js_sys::Function>,
}

#[wasm_bindgen]
impl Client {
    /// `new Client({ apiKey, baseUrl }, { fetch })`.
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue, options: JsValue) -> Result<Client, JsValue> {
        let config: Config = serde_wasm_bindgen::from_value(config).map_err(JsValue::from)?;
        let fetch = js_sys::Reflect::get(&options, &"fetch".into()).ok().and_then(|f| f.dyn_into().ok());
        Ok(Client { config, fetch })
    }

    /// Sends one SMS; resolves to `{ provider, status }`.
    pub async fn send(&self, message: JsValue) -> Result<JsValue, JsValue> {
        let m: Message = serde_wasm_bindgen::from_value(message).map_err(JsValue::from)?;
        let body = Body { phone_number: &m.to, text: &m.text, custom_id: random_uuid() };
        let ser = serde_wasm_bindgen::Serializer::json_compatible();
        let body = js_sys::JSON::stringify(&body.serialize(&ser)?)?;
        let headers = js_sys::Object::new();
        js_sys::Reflect::set(&headers, &"Authorization".into(), &format!("Bearer {}", self.config.api_key).into())?;
        js_sys::Reflect::set(&headers, &"Content-Type".into(), &"application/json".into())?;
        let controller = web_sys::AbortController::new()?;
        let init = web_sys::RequestInit::new();
        init.set_method("POST");
        init.set_headers(&headers);
        init.set_body(&body);
        init.set_signal(Some(&controller.signal()));
        thread_local! {
            static ABORT: std::cell::OnceCell<js_sys::Function> = const { std::cell::OnceCell::new() };
        }
        let abort = ABORT.with(|a| {
            a.get_or_init(|| {
                let abort: js_sys::Function = js_sys::Reflect::get(&controller, &"abort".into()).unwrap().unchecked_into();
                let call: js_sys::Function = js_sys::Reflect::get(&abort, &"call".into()).unwrap().unchecked_into();
                call.bind0(&abort)
            })
            .clone()
        });
        let timer = set_timeout(&abort, 10_000.0, &controller);
        let url = format!("{}/api/send-sms", self.config.base_url);
        let promise = match &self.fetch {
            Some(f) => f.call2(&JsValue::UNDEFINED, &url.into(), &init)?.dyn_into::<js_sys::Promise>()?,
            None => fetch_with(&url, &init),
        };
        let result = async {
            let res: web_sys::Response = JsFuture::from(promise).await?.dyn_into()?;
            let res = gloo_net::http::Response::from(res);
            let ok = res.ok();
            let text = res.text().await.map_err(|e| JsValue::from_str(&e.to_string()))?;
            Ok::<(bool, String), JsValue>((ok, text))
        }
        .await;
        clear_timeout(&timer);
        let (ok, text) = result?;
        let answer: Answer = serde_wasm_bindgen::from_value(js_sys::JSON::parse(&text)?).map_err(JsValue::from)?;
        if !ok || !answer.ok {
            return Err(JsValue::from_str("the provider refused"));
        }
        let receipt = Receipt { provider: "textlink", status: if answer.queued { "queued" } else { "sent" } };
        Ok(receipt.serialize(&ser)?)
    }
}
