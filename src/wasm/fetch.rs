//! One HTTP attempt over `fetch`, in pieces that the promise continuations
//! of `Client`'s and `Failover`'s methods use (`continuations.rs`). Every property is read or written by an
//! imported getter or setter (one small JS function each; `Reflect`'s
//! imports go through a try/catch in the glue), and the answer's text stays a
//! JS value until it is read.

use crate::{HttpRequest, TransportError};
use js_sys::{Function, Object, Promise};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// A `RequestInit`: made once per request, its signal set per attempt.
    pub(super) type Init;
    #[wasm_bindgen(method, setter)]
    fn set_method(this: &Init, v: &str);
    #[wasm_bindgen(method, setter)]
    fn set_headers(this: &Init, v: &HeaderMap);
    #[wasm_bindgen(method, setter)]
    fn set_body(this: &Init, v: &str);
    #[wasm_bindgen(method, setter)]
    fn set_signal(this: &Init, v: &AbortSignal);

    /// The request's headers as a plain object.
    type HeaderMap;
    #[wasm_bindgen(method, structural, indexing_setter)]
    fn set(this: &HeaderMap, name: &str, value: &str);

    pub(super) type AbortController;
    #[wasm_bindgen(constructor)]
    fn new() -> AbortController;
    #[wasm_bindgen(method, getter)]
    fn signal(this: &AbortController) -> AbortSignal;
    #[wasm_bindgen(method, getter = abort)]
    fn abort_method(this: &AbortController) -> Callable;

    pub(super) type AbortSignal;
    #[wasm_bindgen(method, getter)]
    pub(super) fn aborted(this: &AbortSignal) -> bool;

    /// What `fetch` resolves to.
    pub(super) type Response;
    #[wasm_bindgen(method, getter)]
    fn status(this: &Response) -> u16;
    #[wasm_bindgen(method, getter)]
    fn headers(this: &Response) -> ResponseHeaders;
    #[wasm_bindgen(method)]
    pub(super) fn text(this: &Response) -> Pending;

    type ResponseHeaders;
    #[wasm_bindgen(method)]
    fn get(this: &ResponseHeaders, name: &str) -> Option<String>;

    /// A promise, continued with plain functions (js-sys's `then` takes
    /// `Closure`s and wraps the call in a try/catch).
    pub(super) type Pending;
    #[wasm_bindgen(method, js_name = then)]
    pub(super) fn then2(this: &Pending, ok: &Function, fail: &Function) -> Pending;
    #[wasm_bindgen(method, js_name = then)]
    pub(super) fn then1(this: &Pending, ok: &Function) -> Pending;

    /// A function, as `bind` and `call` see it.
    pub(super) type Callable;
    /// `f.bind(null, slot)`: a continuation for one call.
    #[wasm_bindgen(method, js_name = bind)]
    pub(super) fn bind_slot(this: &Callable, this_arg: &JsValue, slot: u32) -> Function;
    #[wasm_bindgen(method, js_name = bind)]
    fn bind_this(this: &Callable, this_arg: &JsValue) -> Function;
    #[wasm_bindgen(method, getter = call)]
    fn call_method(this: &Callable) -> Callable;

    // The global fetch, called as `fetch(url, init)`: no `Request` is built
    // (undici's constructor costs about 100 µs a send in Node, and fetch
    // copies it again), and the error keeps its `cause.code`, which tells a
    // refused connection (nothing sent, safe to retry) from a dropped one.
    // `catch`: where there is no global fetch, the call's promise rejects
    // rather than the method throwing.
    #[wasm_bindgen(js_name = fetch, catch)]
    fn global_fetch(url: &str, init: &Init) -> Result<Pending, JsValue>;

    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout_with(handler: &Function, ms: f64, arg: &AbortController) -> JsValue;
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &Function, ms: f64);
    #[wasm_bindgen(js_name = clearTimeout)]
    pub(super) fn clear_timeout(id: &JsValue);
}

thread_local! {
    /// `(controller) => controller.abort()`, made once from
    /// `AbortController.prototype.abort`: the timer is given the controller,
    /// so no Rust closure (nothing to leak when the timer is cleared) and no
    /// bound function per attempt.
    static ABORT: std::cell::OnceCell<Function> = const { std::cell::OnceCell::new() };
}

/// A request's `fetch` arguments, made once and reused by its attempts.
pub(super) struct Exchange {
    url: String,
    init: Init,
}

impl Exchange {
    pub(super) fn new(req: &HttpRequest) -> Exchange {
        let init: Init = Object::new().unchecked_into();
        init.set_method(req.method.as_str());
        let headers: HeaderMap = Object::new().unchecked_into();
        for (name, value) in &req.headers {
            headers.set(name, value);
        }
        init.set_headers(&headers);
        if let Some(body) = &req.body {
            init.set_body(body);
        }
        Exchange { url: req.url.clone(), init }
    }

    /// Arms a timer that aborts the attempt after `timeout_ms` and calls
    /// `fetch` (the one given to `new Client`, else the global one): its
    /// promise, the timer and the attempt's signal.
    pub(super) fn attempt(&self, fetch: Option<&Function>, timeout_ms: u32) -> (Pending, JsValue, AbortSignal) {
        let controller = AbortController::new();
        let signal = controller.signal();
        self.init.set_signal(&signal);
        // Used in place: a clone would be a slot of the externref table, taken and freed.
        let timer = ABORT.with(|abort| {
            let abort = abort.get_or_init(|| {
                let method = controller.abort_method();
                method.call_method().bind_this(&method)
            });
            set_timeout_with(abort, f64::from(timeout_ms), &controller)
        });
        let called = match fetch {
            None => global_fetch(&self.url, &self.init),
            // A given fetch may answer a non-promise: it becomes a promise.
            Some(f) => f.call2(&JsValue::UNDEFINED, &JsValue::from_str(&self.url), &self.init).map(|v| Promise::resolve(&v).unchecked_into()),
        };
        let pending = called.unwrap_or_else(|e| Promise::reject(&e).unchecked_into());
        (pending, timer, signal)
    }
}

/// An answer before its body: its status and the headers the core reads.
pub(super) struct Head<'a> {
    pub response: &'a Response,
    pub status: u16,
    pub headers: Vec<(String, String)>,
}

/// What `fetch` resolved to, as a [`Response`], with its status and the
/// only headers the core reads (each lookup is a trip out of the wasm):
/// `Retry-After` on a 429, the request ids when `request_ids`.
pub(super) fn head<'a>(answer: &'a JsValue, signal: &AbortSignal, request_ids: bool) -> Result<Head<'a>, TransportError> {
    if !answer.is_instance_of::<Response>() {
        if signal.aborted() {
            return Err(TransportError::Timeout);
        }
        return Err(TransportError::Dropped("fetch resolved to something that is not a Response".into()));
    }
    let response: &Response = answer.unchecked_ref();
    let status = response.status();
    let mut names = Vec::new();
    if status == 429 {
        names.push("retry-after");
    }
    if request_ids {
        names.extend(crate::client::REQUEST_ID_HEADERS);
    }
    let mut kept = Vec::new();
    if !names.is_empty() {
        let headers = response.headers();
        for name in names {
            if let Some(v) = headers.get(name) {
                kept.push((name.to_string(), v));
            }
        }
    }
    Ok(Head { response, status, headers: kept })
}

/// A body that could not be read to its end: the timeout, or a dropped
/// connection, said without the reason's own text.
pub(super) fn body_failure(signal: &AbortSignal) -> TransportError {
    if signal.aborted() {
        TransportError::Timeout
    } else {
        TransportError::Dropped("fetch failed".into())
    }
}

/// A promise that resolves after `ms` milliseconds.
pub(super) fn sleep(ms: u64) -> Pending {
    Promise::new(&mut |resolve, _| set_timeout(&resolve, ms as f64)).unchecked_into()
}
