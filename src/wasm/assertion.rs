//! `verifyOtpAssertion`: an app's server checks the verification assertion
//! an edgetext worker signed (every build).

use super::convert::error_to_js;
use crate::{Error, ErrorCode};
use js_sys::Reflect;
use wasm_bindgen::prelude::*;

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
    let secret = super::prop(&options, "secret").as_string().ok_or_else(|| error_to_js(Error::config("secret must be a string (OTP_SECRET)")))?;
    let to = super::prop(&options, "to").as_string().ok_or_else(|| error_to_js(Error::input("to must be a string")))?;
    let max_age = match super::prop(&options, "maxAgeSeconds").as_f64() {
        None => 300,
        Some(n) if n >= 0.0 && n.fract() == 0.0 => n as u64,
        Some(_) => return Err(error_to_js(Error::input("maxAgeSeconds must be a whole number of seconds"))),
    };
    let v = crate::contract::verify_otp_assertion(&assertion, secret.as_bytes(), &to, max_age, js_sys::Date::now() as u64).map_err(error_to_js)?;
    let out = js_sys::Object::new();
    let _ = Reflect::set(&out, &"to".into(), &v.to.into());
    let _ = Reflect::set(&out, &"verifiedAt".into(), &crate::iso8601(v.verified_at).into());
    let _ = Reflect::set(&out, &"id".into(), &v.id.into());
    Ok(out.into())
}
