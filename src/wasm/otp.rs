//! One-time codes for JavaScript: `verifyOtpAssertion` (every build) and the
//! worker's OTP guard steps (worker build), which `otp.mjs` calls between
//! loading and storing the Durable Object's entries.

use super::convert::error_to_js;
use crate::{Error, ErrorCode};
use js_sys::Reflect;
use wasm_bindgen::prelude::*;

fn field(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// Checks a verification assertion from an edgetext worker's
/// `/v1/otp/verify`: returns `{ to, verifiedAt, id }` (`verifiedAt` ISO 8601),
/// or throws `EdgetextError` `invalid_assertion` (tampered, expired, another
/// number, another secret) or `invalid_config` (a secret under 32 bytes).
#[wasm_bindgen(js_name = verifyOtpAssertion, unchecked_return_type = "{ to: string; verifiedAt: string; id: string }")]
pub fn verify_otp_assertion(
    #[wasm_bindgen(unchecked_param_type = "string")] assertion: JsValue,
    #[wasm_bindgen(unchecked_param_type = "{ secret: string; to: string; maxAgeSeconds?: number }")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let invalid = |m: &str| error_to_js(Error::new(ErrorCode::InvalidAssertion, m));
    let assertion = assertion.as_string().ok_or_else(|| invalid("the verification assertion must be a string"))?;
    let secret = field(&options, "secret").as_string().ok_or_else(|| error_to_js(Error::config("secret must be a string (OTP_SECRET)")))?;
    let to = field(&options, "to").as_string().ok_or_else(|| error_to_js(Error::input("to must be a string")))?;
    let max_age = match field(&options, "maxAgeSeconds").as_f64() {
        None => 300,
        Some(n) if n >= 0.0 && n.fract() == 0.0 => n as u64,
        Some(_) => return Err(error_to_js(Error::input("maxAgeSeconds must be a whole number of seconds"))),
    };
    let v = crate::verify_otp_assertion(&assertion, secret.as_bytes(), &to, max_age, js_sys::Date::now() as u64).map_err(error_to_js)?;
    let out = js_sys::Object::new();
    let _ = Reflect::set(&out, &"to".into(), &v.to.into());
    let _ = Reflect::set(&out, &"verifiedAt".into(), &crate::iso8601(v.verified_at).into());
    let _ = Reflect::set(&out, &"id".into(), &v.id.into());
    Ok(out.into())
}

#[cfg(feature = "worker")]
mod guard {
    use super::*;
    use crate::codec::{from_js, to_js};

    fn js<T: serde::Serialize>(value: &T) -> JsValue {
        to_js(value).unwrap_or(JsValue::NULL)
    }
    use crate::{GuardAnswer, GuardRequest, GuardSettings, OtpCaller, OtpResponse, SeededRandom};

    fn settings(vars: &JsValue) -> Result<GuardSettings, OtpResponse> {
        GuardSettings::from_env(|k| field(vars, k).as_string()).map_err(|m| OtpResponse::error(503, "otp_not_configured", m, None))
    }

    /// The defaults of the OTP_* settings (`OTP_DEFAULTS`).
    #[wasm_bindgen(js_name = otpDefaults, skip_typescript)]
    pub fn otp_defaults() -> JsValue {
        js(&crate::guard_defaults())
    }

    /// Reads an OTP route's body (`send` or `verify`): `{ request, keys }` for
    /// the Durable Object, or `{ response }` to answer at once.
    /// `caller` is `{ address, authorization, apiToken }`.
    #[wasm_bindgen(js_name = otpRequest, skip_typescript)]
    pub fn otp_request(action: &str, body: &[u8], caller: JsValue, vars: JsValue) -> JsValue {
        let (address, authorization, api_token) =
            (field(&caller, "address").as_string().unwrap_or_default(), field(&caller, "authorization").as_string(), field(&caller, "apiToken").as_string());
        let out = js_sys::Object::new();
        let caller = OtpCaller { address: &address, authorization: authorization.as_deref(), api_token: api_token.as_deref() };
        // Bad input is a 400 even where the settings are not.
        let result = crate::otp_request(action, body, &caller).and_then(|req| settings(&vars).map(|_| req));
        match result {
            Ok(req) => {
                let _ = Reflect::set(&out, &"keys".into(), &js(&crate::guard_keys(&req)));
                let _ = Reflect::set(&out, &"request".into(), &js(&req));
            }
            Err(resp) => {
                let _ = Reflect::set(&out, &"response".into(), &js(&resp));
            }
        }
        out.into()
    }

    /// Decides a guard request on the loaded entries (`{ key: text | null }`):
    /// `{ answer, response, writes, forgetAt }`; `response` is set unless the
    /// answer is a send to make. `seed` is 32 random bytes.
    #[wasm_bindgen(js_name = otpDecide, skip_typescript)]
    pub fn otp_decide(request: JsValue, entries: JsValue, vars: JsValue, now_ms: f64, seed: &[u8]) -> JsValue {
        let out = js_sys::Object::new();
        let s = match settings(&vars) {
            Ok(s) => s,
            Err(resp) => {
                let _ = Reflect::set(&out, &"response".into(), &js(&resp));
                return out.into();
            }
        };
        let (Ok(req), Ok(entries), Ok(seed)) = (from_js::<GuardRequest>(request), from_js::<crate::GuardEntries>(entries), <[u8; 32]>::try_from(seed)) else {
            let _ = Reflect::set(&out, &"response".into(), &js(&OtpResponse::error(400, "invalid_input", "not a guard request", None)));
            return out.into();
        };
        let d = crate::guard_decide(&s, &req, &entries, now_ms as u64, &SeededRandom::new(seed));
        if !matches!(d.answer, GuardAnswer::Send { .. } | GuardAnswer::Refunded) {
            let _ = Reflect::set(&out, &"response".into(), &js(&crate::otp_answer(&d.answer)));
        }
        let _ = Reflect::set(&out, &"answer".into(), &js(&d.answer));
        let _ = Reflect::set(&out, &"writes".into(), &js(&d.writes.0));
        let _ = Reflect::set(&out, &"forgetAt".into(), &d.forget_at.map_or(JsValue::NULL, |t| JsValue::from_f64(t as f64)));
        out.into()
    }

    /// The keys of `entries` (`{ key: text }`, a page of the object's
    /// storage) to delete at `now_ms`, and the earliest time (ms) another
    /// of them can be forgotten (`{ dead, next }`, `next` null if none).
    #[wasm_bindgen(js_name = otpSweep, skip_typescript)]
    pub fn otp_sweep(entries: JsValue, vars: JsValue, now_ms: f64) -> JsValue {
        let out = js_sys::Object::new();
        let dead = js_sys::Array::new();
        let mut next: Option<u64> = None;
        let (Ok(s), Ok(entries)) = (settings(&vars), from_js::<std::collections::BTreeMap<String, String>>(entries)) else {
            let _ = Reflect::set(&out, &"dead".into(), &dead);
            return out.into();
        };
        for (k, v) in &entries {
            match crate::guard_forget_at(&s, k, v) {
                Some(at) if at <= now_ms as u64 => {
                    dead.push(&JsValue::from_str(k));
                }
                Some(at) => next = Some(next.map_or(at, |n| n.min(at))),
                None => {}
            }
        }
        let _ = Reflect::set(&out, &"dead".into(), &dead);
        let _ = Reflect::set(&out, &"next".into(), &next.map_or(JsValue::NULL, |t| JsValue::from_f64(t as f64)));
        out.into()
    }

    /// After the provider was asked to send `answer` (a send): `{ response, refund }`.
    /// `error` is the `EdgetextError` code of a failure, `undefined` on success.
    #[wasm_bindgen(js_name = otpAfterSend, skip_typescript)]
    pub fn otp_after_send(answer: JsValue, provider: &str, error: Option<String>, message: &str) -> JsValue {
        let sent = GuardAnswer::Send {
            to: field(&answer, "to").as_string().unwrap_or_default(),
            text: String::new(),
            id: String::new(),
            expires_at: field(&answer, "expiresAt").as_f64().unwrap_or(0.0) as u64,
            code: field(&answer, "code").as_string().unwrap_or_default(),
        };
        let (resp, refund) = crate::otp_after_send(&sent, provider, error.as_deref(), message);
        let out = js_sys::Object::new();
        let _ = Reflect::set(&out, &"response".into(), &js(&resp));
        let _ = Reflect::set(&out, &"refund".into(), &JsValue::from_bool(refund));
        out.into()
    }
}
