//! Webhook parsing and forwarded-delivery signatures for JavaScript.

use super::convert::from_json;
use crate::json::JsonObject;
use crate::{WebhookRequest, WebhookSecrets};
use js_sys::Reflect;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_WORKER_TYPES: &'static str = include_str!("worker_types.d.ts");

fn env_str(env: &JsValue, key: &str) -> Option<String> {
    Reflect::get(env, &JsValue::from_str(key)).ok().and_then(|v| v.as_string()).filter(|s| !s.is_empty())
}

/// Authenticates and normalises one webhook request (what the worker does
/// for each `POST /webhooks/...`). `env` holds the secrets by their
/// documented names; `headers` is a list of `[name, value]` pairs.
#[wasm_bindgen(js_name = parseWebhook, unchecked_return_type = "WebhookResult")]
pub fn parse_webhook(
    #[wasm_bindgen(unchecked_param_type = "WebhookInput")] input: JsValue,
    #[wasm_bindgen(unchecked_param_type = "WebhookSecretsEnv")] env: JsValue,
    now_ms: f64,
) -> JsValue {
    let field = |k: &str| Reflect::get(&input, &JsValue::from_str(k)).ok().and_then(|v| v.as_string());
    let provider = field("provider").unwrap_or_default();
    let path_secret = field("pathSecret");
    let event = field("event");
    let mut headers = Vec::new();
    if let Ok(list) = Reflect::get(&input, &JsValue::from_str("headers")) {
        for pair in js_sys::Array::from(&list).iter() {
            let pair = js_sys::Array::from(&pair);
            if let (Some(k), Some(v)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
                headers.push((k, v));
            }
        }
    }
    let body = Reflect::get(&input, &JsValue::from_str("body"))
        .map(|b| js_sys::Uint8Array::new(&b).to_vec())
        .unwrap_or_default();
    let secrets = WebhookSecrets {
        textlink: env_str(&env, "TEXTLINK_WEBHOOK_SECRET"),
        teklink: env_str(&env, "TEKLINK_WEBHOOK_SECRET"),
        relay: env_str(&env, "RELAY_CALLBACK_TOKEN"),
        klink: env_str(&env, "KLINK_WEBHOOK_SECRET"),
    };
    let req = WebhookRequest {
        provider: &provider,
        path_secret: path_secret.as_deref(),
        event_hint: event.as_deref(),
        headers: &headers,
        body: &body,
    };
    let out = match crate::parse_webhook(&req, &secrets, now_ms as u64) {
        Ok(events) => {
            let mut list = String::from("[");
            for (i, e) in events.iter().enumerate() {
                if i > 0 {
                    list.push(',');
                }
                list.push_str(&JsonObject::new().num("rank", e.status_rank().into()).raw("event", &e.to_json()).finish());
            }
            list.push(']');
            JsonObject::new().bool("ok", true).num("status", 200).raw("events", &list).finish()
        }
        Err(r) => JsonObject::new().bool("ok", false).num("status", r.status.into()).str("error", &r.error).finish(),
    };
    from_json(&out).unwrap_or(JsValue::NULL)
}

/// Signs a forwarded body: `t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.
#[wasm_bindgen(js_name = signForwarded)]
pub fn sign_forwarded(secret: &str, body: &str, unix_seconds: f64) -> String {
    crate::sign_forwarded(secret, body, unix_seconds as u64)
}

/// Checks the `edgetext-signature` header of a delivery from an edgetext
/// worker: the HMAC must match and its time be within `toleranceSeconds`
/// (default 300) of now.
#[wasm_bindgen(js_name = verifyForwarded)]
pub fn verify_forwarded(
    secret: &str,
    signature: &str,
    body: &str,
    #[wasm_bindgen(unchecked_param_type = "{ toleranceSeconds?: number; now?: number }")] options: JsValue,
) -> bool {
    let num = |k: &str| {
        if options.is_object() {
            Reflect::get(&options, &JsValue::from_str(k)).ok().and_then(|v| v.as_f64())
        } else {
            None
        }
    };
    let tolerance = num("toleranceSeconds").unwrap_or(300.0).max(0.0) as u64;
    let now_ms = num("now").unwrap_or_else(js_sys::Date::now);
    crate::verify_forwarded(secret, signature, body, (now_ms / 1000.0) as u64, tolerance)
}

/// Compares two secrets in constant time.
#[wasm_bindgen(js_name = secretEquals)]
pub fn secret_equals(a: &str, b: &str) -> bool {
    crate::secret_eq(a, b)
}
