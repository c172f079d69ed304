//! The JavaScript API (wasm32 only): converts values and nothing else.
//!
//! Client operations are sans-IO calls ([`crate::Call`]); the package's
//! small JS driver (`client.js`) does `fetch`, `AbortController` timeouts and
//! waits, and feeds each outcome back through [`RawCall`].

mod convert;
mod otp;
mod platform;
#[cfg(feature = "worker")]
mod webhooks;

use crate::{Call, Config, HttpResponse, Operation, Step, TransportError};
use convert::{arg_json, error_to_js, from_json};
use platform::JsPlatform;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = include_str!("types.d.ts");

/// The validated client behind the package's `Client` class.
#[wasm_bindgen]
pub struct RawClient {
    inner: crate::Client<JsPlatform>,
}

#[wasm_bindgen]
impl RawClient {
    /// Validates `config`; throws `invalid_config` naming the bad field.
    #[wasm_bindgen(constructor)]
    pub fn new(#[wasm_bindgen(unchecked_param_type = "ClientConfig")] config: JsValue) -> Result<RawClient, JsValue> {
        let text = arg_json(&config, "config")?;
        let cfg = Config::from_json(&text).map_err(error_to_js)?;
        Ok(RawClient { inner: crate::Client::new(cfg, JsPlatform) })
    }

    /// The configured provider.
    #[wasm_bindgen(getter, unchecked_return_type = "ProviderName")]
    pub fn provider(&self) -> String {
        self.inner.config().provider.as_str().into()
    }

    /// Starts an operation by its JS method name; bad input gives a call that is already done.
    pub fn start(&self, #[wasm_bindgen(unchecked_param_type = "OperationName")] op: &str, arg: JsValue) -> Result<RawCall, JsValue> {
        let op = Operation::from_name(op).ok_or_else(|| error_to_js(crate::Error::unsupported("no such operation")))?;
        let text = match op {
            Operation::Status => arg
                .as_string()
                .ok_or_else(|| error_to_js(crate::Error::input("status id must be a string")))?,
            _ if arg.is_undefined() => "{}".into(),
            _ => arg_json(&arg, "argument")?,
        };
        Ok(RawCall { call: self.inner.start(op, &text) })
    }
}

/// One operation in flight, driven from JavaScript.
#[wasm_bindgen]
pub struct RawCall {
    call: Call,
}

#[wasm_bindgen]
impl RawCall {
    /// The next request as `{ method, url, headers, body, timeoutMs, delayMs }`,
    /// or `undefined` when the call is done.
    #[wasm_bindgen(unchecked_return_type = "PendingFetch | undefined")]
    pub fn next(&self) -> JsValue {
        match self.call.step() {
            Step::Done(_) => JsValue::UNDEFINED,
            Step::Fetch { request, timeout_ms, delay_ms } => {
                let mut headers = String::from("[");
                for (i, (k, v)) in request.headers.iter().enumerate() {
                    if i > 0 {
                        headers.push(',');
                    }
                    headers.push_str(&crate::json::string_array(&[k.clone(), v.clone()]));
                }
                headers.push(']');
                let json = crate::json::JsonObject::new()
                    .str("method", request.method.as_str())
                    .str("url", &request.url)
                    .raw("headers", &headers)
                    .str_or_null("body", request.body.as_deref())
                    .num("timeoutMs", timeout_ms.into())
                    .num("delayMs", delay_ms)
                    .finish();
                from_json(&json).unwrap_or(JsValue::UNDEFINED)
            }
        }
    }

    /// Feeds an HTTP answer.
    pub fn respond(&mut self, status: u16, retry_after: Option<String>, body: String, now_ms: f64) {
        let headers = retry_after.map(|v| vec![("retry-after".to_string(), v)]).unwrap_or_default();
        self.call.feed(Ok(HttpResponse { status, headers, body }), now_ms as u64, &JsPlatform);
    }

    /// Feeds a failed fetch: `aborted` after the timeout fired, else the
    /// error's `code` (Node's `ECONNREFUSED`, …) when it has one.
    pub fn fail(&mut self, aborted: bool, code: Option<String>, message: String, now_ms: f64) {
        const NOT_SENT: [&str; 5] = ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH"];
        let failure = match code {
            _ if aborted => TransportError::Timeout,
            Some(c) if NOT_SENT.contains(&c.as_str()) => TransportError::NotSent(c),
            Some(c) => TransportError::Dropped(c),
            None => TransportError::Dropped(message),
        };
        self.call.feed(Err(failure), now_ms as u64, &JsPlatform);
    }

    /// The result once done; throws the `EdgetextError` if the call failed.
    pub fn result(&self) -> Result<JsValue, JsValue> {
        match self.call.step() {
            Step::Done(Ok(outcome)) => from_json(&outcome.to_json()),
            Step::Done(Err(e)) => Err(error_to_js(e.clone())),
            Step::Fetch { .. } => Err(error_to_js(crate::Error::input("the call is not finished"))),
        }
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

/// The ISO 3166 alpha-2 country of an E.164 number (`"US"`, `"GB"`, …), or
/// `undefined` when its calling code is not one edgetext knows.
#[wasm_bindgen(js_name = countryOf)]
pub fn country_of(e164: &str) -> Option<String> {
    crate::country_of(e164).map(str::to_string)
}

#[cfg(test)]
mod tests;

#[global_allocator]
static ALLOC: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    // SAFETY: wasm32-unknown-unknown without the atomics feature runs one thread.
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };
