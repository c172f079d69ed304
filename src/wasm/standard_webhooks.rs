//! `verifyWebhook`: checking an edgetext worker's forwarded deliveries
//! (Standard Webhooks) from any runtime.

use crate::contract::WebhookHeaders;
use js_sys::{Function, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// A header of a `Headers` object, a `[name, value]` list or a plain object
/// (Node's `req.headers`), by name without regard to case.
fn header_of(headers: &JsValue, name: &str) -> Option<String> {
    if !headers.is_object() {
        return None;
    }
    if let Ok(get) = Reflect::get(headers, &JsValue::from_str("get")) {
        if let Some(get) = get.dyn_ref::<Function>() {
            return get.call1(headers, &JsValue::from_str(name)).ok().and_then(|v| v.as_string());
        }
    }
    let entries = if js_sys::Array::is_array(headers) { js_sys::Array::from(headers) } else { Object::entries(headers.unchecked_ref()) };
    entries.iter().find_map(|pair| {
        let pair = js_sys::Array::from(&pair);
        let key = pair.get(0).as_string()?;
        key.eq_ignore_ascii_case(name).then(|| pair.get(1).as_string()).flatten()
    })
}

/// Checks a delivery from an edgetext worker (Standard Webhooks): the
/// `webhook-signature` must be the HMAC of `webhook-id`.`webhook-timestamp`.body
/// under `secret` (`whsec_<base64>`), the timestamp within
/// `toleranceSeconds` (default 300) of now. An empty secret never verifies.
#[wasm_bindgen(js_name = verifyWebhook)]
pub fn verify_webhook(
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] body: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Headers | Record<string, string | string[] | undefined> | [string, string][]")] headers: JsValue,
    secret: &str,
    #[wasm_bindgen(unchecked_optional_param_type = "{ toleranceSeconds?: number; now?: number }")] options: Option<JsValue>,
) -> bool {
    let options = options.unwrap_or(JsValue::UNDEFINED);
    let bytes = match body.as_string() {
        Some(s) => s.into_bytes(),
        None if body.is_instance_of::<Uint8Array>() => Uint8Array::new(&body).to_vec(),
        None => return false,
    };
    let num = |k: &str| options.is_object().then(|| Reflect::get(&options, &JsValue::from_str(k)).ok().and_then(|v| v.as_f64())).flatten();
    let tolerance = num("toleranceSeconds").filter(|t| t.is_finite()).unwrap_or(300.0).max(0.0) as u64;
    let now_ms = num("now").unwrap_or_else(js_sys::Date::now).max(0.0);
    let (id, ts, sig) = (header_of(&headers, "webhook-id"), header_of(&headers, "webhook-timestamp"), header_of(&headers, "webhook-signature"));
    let h = WebhookHeaders { id: id.as_deref(), timestamp: ts.as_deref(), signature: sig.as_deref() };
    crate::contract::verify_webhook(&bytes, h, secret, (now_ms / 1000.0) as u64, tolerance)
}
