//! The platform in JavaScript: global `fetch` with an `AbortController`
//! timeout, `setTimeout`, `Date.now()` and `crypto.getRandomValues()`.
//! Only globals are used, so the same code runs in Node, browsers and workerd.

use crate::{Clock, HttpRequest, HttpResponse, Random, Transport, TransportError};
use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, Headers, RequestInit, Response};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = fetch)]
    fn global_fetch(url: &str, init: &RequestInit) -> Promise;
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(callback: &Function, ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: &JsValue);
    #[wasm_bindgen(js_namespace = crypto, js_name = getRandomValues)]
    fn get_random_values(buf: &mut [u8]);
}

/// The JavaScript platform: stateless, so a client holds one by value.
pub(crate) struct JsPlatform;

/// Error codes with which Node's fetch says the request never left.
const NOT_SENT: [&str; 6] = ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH", "ERR_INVALID_URL"];

fn prop(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn classify(err: &JsValue, aborted: bool) -> TransportError {
    if aborted {
        return TransportError::Timeout;
    }
    let cause = prop(err, "cause");
    let code = prop(&cause, "code").as_string().or_else(|| prop(err, "code").as_string());
    let message = prop(err, "message").as_string().unwrap_or_else(|| "fetch failed".into());
    match code {
        Some(c) if NOT_SENT.contains(&c.as_str()) => TransportError::NotSent(c),
        Some(c) => TransportError::Dropped(c),
        None => TransportError::Dropped(message),
    }
}

impl JsPlatform {
    async fn attempt(req: &HttpRequest, controller: &AbortController) -> Result<HttpResponse, JsValue> {
        let headers = Headers::new()?;
        for (k, v) in &req.headers {
            headers.set(k, v)?;
        }
        let init = RequestInit::new();
        init.set_method(req.method.as_str());
        init.set_headers(&headers);
        if let Some(body) = &req.body {
            init.set_body(&JsValue::from_str(body));
        }
        init.set_signal(Some(&controller.signal()));
        let resp: Response = JsFuture::from(global_fetch(&req.url, &init)).await?.dyn_into()?;
        let mut out_headers = Vec::new();
        for name in ["retry-after", "content-type"] {
            if let Some(v) = resp.headers().get(name)? {
                out_headers.push((name.to_string(), v));
            }
        }
        let body = JsFuture::from(resp.text()?).await?.as_string().unwrap_or_default();
        Ok(HttpResponse { status: resp.status(), headers: out_headers, body })
    }
}

impl Transport for JsPlatform {
    async fn fetch(&self, req: &HttpRequest, timeout_ms: u32) -> Result<HttpResponse, TransportError> {
        let controller = AbortController::new().map_err(|_| TransportError::NotSent("AbortController".into()))?;
        let abort: Function = prop(&controller, "abort").unchecked_into::<Function>().bind0(&controller);
        let timer = set_timeout(&abort, f64::from(timeout_ms));
        let result = Self::attempt(req, &controller).await;
        clear_timeout(&timer);
        result.map_err(|e| classify(&e, controller.signal().aborted()))
    }

    async fn sleep(&self, ms: u64) {
        let p = Promise::new(&mut |resolve, _| {
            set_timeout(&resolve, ms as f64);
        });
        let _ = JsFuture::from(p).await;
    }
}

impl Clock for JsPlatform {
    fn now_ms(&self) -> u64 {
        js_sys::Date::now() as u64
    }
}

impl Random for JsPlatform {
    fn fill(&self, buf: &mut [u8]) {
        get_random_values(buf);
    }
}
