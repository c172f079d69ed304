//! The worker's OTP guard steps (worker build), which `otp.mjs` calls
//! between loading and storing the Durable Object's entries, and the client
//! that sends the worker's codes.

use super::settings;
use crate::contract::OtpResponse;
use crate::wasm::convert::{from_js, to_js};
use crate::wasm::{prop as field, JsClient};
use crate::worker::otp::guard::{GuardAnswer, GuardRequest, SeededRandom};
use crate::worker::WorkerResponse;
use js_sys::Reflect;
use wasm_bindgen::prelude::*;

fn js<T: serde::Serialize>(value: &T) -> JsValue {
    to_js(value).unwrap_or(JsValue::NULL)
}

fn set(out: &js_sys::Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(out, &JsValue::from_str(key), value);
}

/// The defaults of the OTP_* settings (`OTP_DEFAULTS`).
#[wasm_bindgen(js_name = otpDefaults, skip_typescript)]
pub fn otp_defaults() -> JsValue {
    js(&crate::worker::otp::guard::guard_defaults())
}

/// Decides a guard request on the loaded entries (`{ key: text | null }`):
/// `{ answer, response, writes, forgetAt }`; `response` is set unless the
/// answer is a send to make. `env` is the worker's; `seed` 32 random bytes.
#[wasm_bindgen(js_name = otpDecide, skip_typescript)]
pub fn otp_decide(request: JsValue, entries: JsValue, env: JsValue, now_ms: f64, seed: &[u8]) -> JsValue {
    let out = js_sys::Object::new();
    let s = match settings(&env).guard() {
        Ok(s) => s,
        Err(resp) => {
            set(&out, "response", &js(&WorkerResponse::from(resp)));
            return out.into();
        }
    };
    let (Ok(req), Ok(entries), Ok(seed)) = (from_js::<GuardRequest>(request), from_js::<crate::worker::otp::guard::GuardEntries>(entries), <[u8; 32]>::try_from(seed)) else {
        set(&out, "response", &js(&WorkerResponse::from(OtpResponse::error(400, "invalid_input", "not a guard request", None))));
        return out.into();
    };
    let d = crate::worker::otp::guard::guard_decide(&s, &req, &entries, now_ms.max(0.0) as u64, &SeededRandom::new(seed));
    if !matches!(d.answer, GuardAnswer::Send { .. } | GuardAnswer::Refunded) {
        set(&out, "response", &js(&WorkerResponse::from(crate::worker::otp::guard::otp_answer(&d.answer))));
    }
    set(&out, "answer", &js(&d.answer));
    set(&out, "writes", &js(&d.writes.0));
    set(&out, "forgetAt", &d.forget_at.map_or(JsValue::NULL, |t| JsValue::from_f64(t as f64)));
    out.into()
}

/// The keys of `entries` (`{ key: text }`, a page of the object's
/// storage) to delete at `now_ms`, and the earliest time (ms) another
/// of them can be forgotten (`{ dead, next }`, `next` null if none).
#[wasm_bindgen(js_name = otpSweep, skip_typescript)]
pub fn otp_sweep(entries: JsValue, env: JsValue, now_ms: f64) -> JsValue {
    let out = js_sys::Object::new();
    let dead = js_sys::Array::new();
    let mut next: Option<u64> = None;
    let (Ok(s), Ok(entries)) = (settings(&env).guard(), from_js::<std::collections::BTreeMap<String, String>>(entries)) else {
        set(&out, "dead", &dead);
        set(&out, "next", &JsValue::NULL);
        return out.into();
    };
    for (k, v) in &entries {
        match crate::worker::otp::guard::guard_forget_at(&s, k, v) {
            Some(at) if at <= now_ms as u64 => {
                dead.push(&JsValue::from_str(k));
            }
            Some(at) => next = Some(next.map_or(at, |n| n.min(at))),
            None => {}
        }
    }
    set(&out, "dead", &dead);
    set(&out, "next", &next.map_or(JsValue::NULL, |t| JsValue::from_f64(t as f64)));
    out.into()
}

/// The client that sends the worker's codes: `given` (what
/// `createWorker({ otp: { client } })`'s function returned: a `Client`
/// or its config), else one from OTP_PROVIDER, OTP_API_KEY and the JSON
/// object OTP_CLIENT. `{ client }`, or `{ response }` (503) when none
/// can be made.
#[wasm_bindgen(js_name = otpClient, skip_typescript)]
pub fn otp_client(env: JsValue, given: JsValue) -> JsValue {
    let out = js_sys::Object::new();
    let worker = settings(&env);
    let made = (|| -> Result<JsValue, String> {
        if given.is_object() && field(&given, "send").is_function() {
            return Ok(given.clone());
        }
        let config = if given.is_object() {
            given.clone()
        } else if given.is_undefined() || given.is_null() {
            let provider = worker.otp_vars.get("OTP_PROVIDER").ok_or("set OTP_PROVIDER, OTP_API_KEY and OTP_CLIENT (or createWorker({ otp: { client } }))")?;
            let extra = match worker.otp_vars.get("OTP_CLIENT") {
                Some(text) => js_sys::JSON::parse(text).ok().filter(|v| v.is_object() && !js_sys::Array::is_array(v)).ok_or("OTP_CLIENT must be a JSON object")?,
                None => js_sys::Object::new().into(),
            };
            let _ = Reflect::set(&extra, &"provider".into(), &provider.into());
            let key = worker.otp_vars.get("OTP_API_KEY").map_or(JsValue::UNDEFINED, |k| k.into());
            let _ = Reflect::set(&extra, &"apiKey".into(), &key);
            extra
        } else {
            return Err("the OTP client must be a Client or a Client config".into());
        };
        let otp_url = field(&config, "otpUrl");
        if let Some(refusal) = crate::worker::otp::route::otp_client_refusal(field(&config, "provider").as_string().as_deref(), !(otp_url.is_undefined() || otp_url.is_null())) {
            return Err(refusal.into());
        }
        let client = JsClient::new(config, JsValue::UNDEFINED)
            .map_err(|e| format!("the OTP client: {}", field(&e, "message").as_string().unwrap_or_default()))?;
        Ok(client.into())
    })();
    match made {
        Ok(client) => set(&out, "client", &client),
        Err(reason) => set(&out, "response", &js(&crate::worker::otp::route::otp_client_unavailable(&worker, &reason))),
    }
    out.into()
}

/// After the provider was asked to send `answer` (the guard's send for
/// `request`): `receipt` is what `send` returned, or null when it threw
/// `error`. `{ response, refund }`: `refund` is the guard step
/// (`{ request, keys }`) that uncounts the send, or null.
#[wasm_bindgen(js_name = otpAfterSend, skip_typescript)]
pub fn otp_after_send(request: JsValue, answer: JsValue, receipt: JsValue, error: JsValue, env: JsValue) -> JsValue {
    let out = js_sys::Object::new();
    let worker = settings(&env);
    let Ok(request) = from_js::<GuardRequest>(request) else {
        set(&out, "response", &js(&WorkerResponse::from(OtpResponse::error(400, "invalid_input", "not a guard request", None))));
        set(&out, "refund", &JsValue::NULL);
        return out.into();
    };
    let text = |k: &str| field(&answer, k).as_string().unwrap_or_default();
    let sent = GuardAnswer::Send {
        to: text("to"),
        text: String::new(),
        id: text("id"),
        expires_at: field(&answer, "expiresAt").as_f64().unwrap_or(0.0) as u64,
        code: text("code"),
    };
    let provider = field(&receipt, "provider").as_string();
    let message = field(&error, "message").as_string().unwrap_or_default();
    let outcome = match (&provider, field(&error, "code").as_string().and_then(|c| crate::ErrorCode::parse(&c))) {
        (Some(p), _) if receipt.is_object() => crate::worker::otp::route::SendOutcome::Sent { provider: p },
        (_, Some(code)) => crate::worker::otp::route::SendOutcome::Failed { code, message: &message },
        _ => crate::worker::otp::route::SendOutcome::Failed { code: crate::ErrorCode::ProviderUnavailable, message: "the provider failed" },
    };
    let (response, refund) = crate::worker::otp::route::otp_after_provider(&worker, &request, &sent, outcome);
    set(&out, "response", &js(&response));
    let refund = refund.map_or(JsValue::NULL, |r| {
        let step = js_sys::Object::new();
        set(&step, "keys", &js(&crate::worker::otp::guard::guard_keys(&r)));
        set(&step, "request", &js(&r));
        step.into()
    });
    set(&out, "refund", &refund);
    out.into()
}
