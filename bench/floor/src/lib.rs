//! The floor of the stack: the leanest honest one-provider send (textlink) on
//! the prescribed crates. Rust does the fetch, the timeout and the retries;
//! it sends the same request bytes as `client.send` (bench/floor.mjs checks
//! them) and does none of edgetext's own rules (no validation beyond "two
//! strings", no phone normalisation, segments, redaction or typed errors).
//! README.md beside this crate says what each choice below saves, measured.
//!
//! The send path runs no executor. `send` is a synchronous export: it builds
//! the request, arms the timeout and returns `fetch(…).then(onResponse,
//! onFail)`. The continuations are wasm-bindgen Closures made once per
//! client; each request binds them to its slot (`Function.prototype.bind`,
//! a plain JS call) in a small table of requests in flight. A 429 returns
//! the next attempt's promise from the continuation, after a timer.
//!
//! Crossing the boundary: every JS property is read or written by an
//! imported getter or setter (one monomorphic JS function each, no
//! `Reflect` and no try/catch wrapper); the URL, the headers object and the
//! `RequestInit` are made once per client (fetch copies what it needs while
//! it is called); the message's strings, the body and the answer stay JS
//! values, handed from one JS call to the next without being copied into
//! the wasm memory.
// The executor variant leaves the continuations' machinery unused.
#![cfg_attr(feature = "executor", allow(dead_code))]
use js_sys::{Function, Object, Promise};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

// The package's allocator, so that the two differ only in what they do.
#[global_allocator]
static ALLOC: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    // SAFETY: wasm32-unknown-unknown without the atomics feature runs one thread.
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };

/// The client's defaults: one attempt's time limit, and how many more
/// attempts a 429 or a request that never left may get.
const TIMEOUT_MS: f64 = 10_000.0;
const MAX_RETRIES: u32 = 2;
/// The longest `Retry-After` waited for; a longer one is the caller's.
const MAX_RETRY_AFTER_SECONDS: u32 = 60;
/// Node's error codes for a request that never left this machine.
const NOT_SENT: [&str; 5] = ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH"];

#[wasm_bindgen]
extern "C" {
    /// `new Client(config)`: `{ apiKey, baseUrl }`.
    pub type Config;
    #[wasm_bindgen(method, getter = apiKey)]
    fn api_key(this: &Config) -> Option<String>;
    #[wasm_bindgen(method, getter = baseUrl)]
    fn base_url(this: &Config) -> Option<String>;

    /// `new Client(config, options)`: `{ fetch }`.
    pub type Options;
    #[wasm_bindgen(method, getter)]
    fn fetch(this: &Options) -> Option<Function>;

    /// `client.send(message)`: `{ to, text }`.
    pub type Message;
    #[wasm_bindgen(method, getter)]
    fn to(this: &Message) -> JsValue;
    #[wasm_bindgen(method, getter)]
    fn text(this: &Message) -> JsValue;

    /// The JSON body of `POST /api/send-sms`; the setters' order is the
    /// document's (and JSON.stringify's).
    type SmsBody;
    #[wasm_bindgen(method, setter = phone_number)]
    fn set_phone_number(this: &SmsBody, v: &JsValue);
    #[wasm_bindgen(method, setter = text)]
    fn set_text(this: &SmsBody, v: &JsValue);
    #[wasm_bindgen(method, setter = custom_id)]
    fn set_custom_id(this: &SmsBody, v: &JsValue);

    /// The headers, once per client.
    type Headers;
    #[wasm_bindgen(method, setter = Authorization)]
    fn set_authorization(this: &Headers, v: &str);
    #[wasm_bindgen(method, setter = "Content-Type")]
    fn set_content_type(this: &Headers, v: &str);

    /// The `RequestInit`, once per client: body and signal change per attempt.
    type Init;
    #[wasm_bindgen(method, setter)]
    fn set_method(this: &Init, v: &str);
    #[wasm_bindgen(method, setter)]
    fn set_headers(this: &Init, v: &Headers);
    #[wasm_bindgen(method, setter)]
    fn set_body(this: &Init, v: &JsValue);
    #[wasm_bindgen(method, setter)]
    fn set_signal(this: &Init, v: &AbortSignal);

    type AbortController;
    #[wasm_bindgen(constructor)]
    fn new() -> AbortController;
    #[wasm_bindgen(method, getter)]
    fn signal(this: &AbortController) -> AbortSignal;
    #[wasm_bindgen(method, getter = abort)]
    fn abort_method(this: &AbortController) -> Function;

    type AbortSignal;
    #[wasm_bindgen(method, getter)]
    fn aborted(this: &AbortSignal) -> bool;

    /// A fetch `Response`: status and body; headers only on a 429.
    type Response;
    #[wasm_bindgen(method, getter)]
    fn status(this: &Response) -> u16;
    #[wasm_bindgen(method)]
    fn json(this: &Response) -> Pending;
    #[wasm_bindgen(method, getter)]
    fn headers(this: &Response) -> ResponseHeaders;
    #[wasm_bindgen(method, getter)]
    fn body(this: &Response) -> Option<ReadableStream>;

    type ResponseHeaders;
    #[wasm_bindgen(method)]
    fn get(this: &ResponseHeaders, name: &str) -> Option<String>;

    type ReadableStream;
    #[wasm_bindgen(method)]
    fn cancel(this: &ReadableStream) -> Promise;

    /// TextLink's answer: `{ ok, queued }`.
    type Answer;
    #[wasm_bindgen(method, getter)]
    fn ok(this: &Answer) -> JsValue;
    #[wasm_bindgen(method, getter)]
    fn queued(this: &Answer) -> JsValue;

    /// What `send` resolves to.
    type Receipt;
    #[wasm_bindgen(method, setter)]
    fn set_provider(this: &Receipt, v: &JsValue);
    #[wasm_bindgen(method, setter)]
    fn set_id(this: &Receipt, v: &JsValue);
    #[wasm_bindgen(method, setter)]
    fn set_status(this: &Receipt, v: &JsValue);
    #[wasm_bindgen(method, setter)]
    fn set_to(this: &Receipt, v: &JsValue);
    #[wasm_bindgen(method, setter)]
    fn set_raw(this: &Receipt, v: &JsValue);

    /// A rejected fetch: Node puts the socket's error code in `cause.code`.
    type FetchError;
    #[wasm_bindgen(method, getter)]
    fn cause(this: &FetchError) -> Option<FetchError>;
    #[wasm_bindgen(method, getter)]
    fn code(this: &FetchError) -> Option<String>;

    /// What `send` rejects with: an `Error` with a `.code`.
    type CodedError;
    #[wasm_bindgen(method, setter)]
    fn set_code(this: &CodedError, v: &str);

    #[wasm_bindgen(js_name = fetch)]
    fn global_fetch(url: &JsValue, init: &Init) -> Pending;
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(f: &Function, ms: f64, arg: &JsValue) -> JsValue;
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout_resolve(f: &Function, ms: f64);
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: &JsValue);
    #[wasm_bindgen(js_namespace = crypto, js_name = randomUUID)]
    fn random_uuid() -> JsValue;
    #[wasm_bindgen(js_namespace = JSON)]
    fn stringify(v: &JsValue) -> JsValue;

    /// A promise, continued with plain functions (js-sys's `then` takes Closures).
    type Pending;
    #[wasm_bindgen(method, js_name = then)]
    fn then2(this: &Pending, ok: &Function, fail: &Function) -> Pending;
    #[wasm_bindgen(method, js_name = then)]
    fn then1(this: &Pending, ok: &Function) -> Pending;

    /// A function, as `bind` and `call` see it.
    type Callable;
    /// `f.bind(null, slot)`: a continuation for one request.
    #[wasm_bindgen(method, js_name = bind)]
    fn bind_slot(this: &Callable, this_arg: &JsValue, slot: u32) -> Function;
    #[wasm_bindgen(method, js_name = bind)]
    fn bind_this(this: &Callable, this_arg: &JsValue) -> Function;
    #[wasm_bindgen(method, getter = call)]
    fn call_method(this: &Callable) -> Callable;
}

/// One request in flight: what a continuation needs to go on.
struct InFlight {
    body: JsValue,
    to: JsValue,
    id: JsValue,
    attempt: u32,
    timer: JsValue,
    signal: Option<AbortSignal>,
    /// `onFail` bound to this slot, shared by the fetch and the body read.
    fail: Option<Function>,
}

/// The continuations as JS functions (their Closures live in [`Client`]).
struct Continuations {
    response: Function,
    answer: Function,
    fail: Function,
    retry: Function,
}

/// What a client keeps: made once, read by every send.
struct Inner {
    url: JsValue,
    init: Init,
    fetch: Option<Function>,
    /// `(controller) => controller.abort()`, given to `setTimeout` with the
    /// controller as its argument: no function made per attempt.
    abort: Function,
    /// `"textlink"`, `"queued"`, `"sent"`: made once, set by reference.
    names: [JsValue; 3],
    slots: RefCell<Vec<Option<InFlight>>>,
    continuations: RefCell<Option<Continuations>>,
}

type Continuation = Closure<dyn FnMut(u32, JsValue) -> Result<JsValue, JsValue>>;

/// A client of one textlink account.
#[wasm_bindgen]
pub struct Client {
    inner: Rc<Inner>,
    // Owned here so that they live as long as the client.
    #[cfg(not(feature = "executor"))]
    _continuations: [Continuation; 4],
}

#[wasm_bindgen]
impl Client {
    /// `new Client({ apiKey, baseUrl }, { fetch })`.
    #[wasm_bindgen(constructor)]
    pub fn new(config: Config, options: Option<Options>) -> Result<Client, JsValue> {
        let key = config.api_key().ok_or_else(|| error("input", "config.apiKey is required"))?;
        let base = config.base_url().unwrap_or_else(|| "https://textlinksms.com".into());
        let headers: Headers = Object::new().unchecked_into();
        headers.set_authorization(&["Bearer ", &key].concat());
        headers.set_content_type("application/json");
        let init: Init = Object::new().unchecked_into();
        init.set_method("POST");
        init.set_headers(&headers);
        let abort = AbortController::new().abort_method();
        let inner = Rc::new(Inner {
            url: JsValue::from([base.trim_end_matches('/'), "/api/send-sms"].concat()),
            init,
            fetch: options.and_then(|o| o.fetch()),
            abort: abort.unchecked_ref::<Callable>().call_method().bind_this(&abort),
            names: ["textlink", "queued", "sent"].map(JsValue::from_str),
            slots: RefCell::new(Vec::new()),
            continuations: RefCell::new(None),
        });
        Ok(Client {
            #[cfg(not(feature = "executor"))]
            _continuations: continuations(&inner),
            inner,
        })
    }

    /// Sends one SMS; resolves to `{ provider, id, status, to, raw }`.
    #[cfg(not(feature = "executor"))]
    pub fn send(&self, message: Message) -> Promise {
        match request(&message) {
            Ok(request) => {
                let slot = self.inner.take_slot(request);
                self.inner.attempt(slot).unchecked_into()
            }
            Err(e) => Promise::reject(&e),
        }
    }

    /// The same send through wasm-bindgen-futures (bench/floor-ladder.mjs
    /// measures what the continuations save).
    #[cfg(feature = "executor")]
    pub fn send(&self, message: Message) -> Promise {
        let inner = Rc::clone(&self.inner);
        wasm_bindgen_futures::future_to_promise(async move { inner.send_awaiting(request(&message)?).await })
    }
}

/// The client's four continuations, made once: each calls its `Inner`
/// method with the slot it was bound to and the value it was given.
#[cfg(not(feature = "executor"))]
fn continuations(inner: &Rc<Inner>) -> [Continuation; 4] {
    let continuation = |f: fn(&Inner, u32, JsValue) -> Result<JsValue, JsValue>| {
        let inner = Rc::clone(inner);
        Continuation::new(move |slot, value| f(&inner, slot, value))
    };
    let closures = [
        continuation(Inner::on_response),
        continuation(Inner::on_answer),
        continuation(Inner::on_fail),
        continuation(Inner::on_retry),
    ];
    let js = |c: &Continuation| c.as_ref().unchecked_ref::<Function>().clone();
    *inner.continuations.borrow_mut() =
        Some(Continuations { response: js(&closures[0]), answer: js(&closures[1]), fail: js(&closures[2]), retry: js(&closures[3]) });
    closures
}

/// A request to send: the message's strings and a fresh custom_id, as JS
/// values, and the JSON body JSON.stringify makes of them.
fn request(message: &Message) -> Result<InFlight, JsValue> {
    let (to, text) = (message.to(), message.text());
    if !to.is_string() || !text.is_string() {
        return Err(error("input", "message.to and message.text must be strings"));
    }
    let id = random_uuid();
    let body: SmsBody = Object::new().unchecked_into();
    body.set_phone_number(&to);
    body.set_text(&text);
    body.set_custom_id(&id);
    Ok(InFlight { body: stringify(&body), to, id, attempt: 0, timer: JsValue::UNDEFINED, signal: None, fail: None })
}

impl Inner {
    fn take_slot(&self, request: InFlight) -> u32 {
        let mut slots = self.slots.borrow_mut();
        match slots.iter().position(Option::is_none) {
            Some(i) => {
                slots[i] = Some(request);
                i as u32
            }
            None => {
                slots.push(Some(request));
                slots.len() as u32 - 1
            }
        }
    }

    /// Ends a request: its timer cleared, its slot freed.
    fn finish(&self, slot: u32) -> InFlight {
        let request = self.slots.borrow_mut()[slot as usize].take().expect("a continuation runs once per attempt");
        clear_timeout(&request.timer);
        request
    }

    fn with<T>(&self, f: impl FnOnce(&Continuations) -> T) -> T {
        f(self.continuations.borrow().as_ref().expect("set by the constructor"))
    }

    /// One attempt: arms the timeout, calls fetch and returns its promise
    /// with the request's continuations.
    fn attempt(&self, slot: u32) -> Pending {
        let controller = AbortController::new();
        let signal = controller.signal();
        let body = self.slots.borrow()[slot as usize].as_ref().map(|r| r.body.clone()).unwrap_or_default();
        self.init.set_body(&body);
        self.init.set_signal(&signal);
        let timer = set_timeout(&self.abort, TIMEOUT_MS, &controller);
        let (on_response, on_fail) = self.with(|c| (bind(&c.response, slot), bind(&c.fail, slot)));
        if let Some(r) = self.slots.borrow_mut()[slot as usize].as_mut() {
            r.timer = timer;
            r.signal = Some(signal);
            r.fail = Some(on_fail.clone());
        }
        self.fetch().then2(&on_response, &on_fail)
    }

    /// `fetch(url, init)`, the global one or the one given.
    fn fetch(&self) -> Pending {
        match &self.fetch {
            None => global_fetch(&self.url, &self.init),
            // A given fetch may throw or return a non-promise: both become a promise.
            Some(f) => match f.call2(&JsValue::UNDEFINED, &self.url, &self.init) {
                Ok(v) => Promise::resolve(&v).unchecked_into(),
                Err(e) => Promise::reject(&e).unchecked_into(),
            },
        }
    }

    /// The answer's status: a 2xx reads the JSON body (a second `then`), a
    /// 429 waits and tries again, anything else is the caller's error.
    fn on_response(&self, slot: u32, response: JsValue) -> Result<JsValue, JsValue> {
        let attempt = self.slots.borrow()[slot as usize].as_ref().map_or(0, |r| r.attempt);
        match after_status(&response, attempt) {
            Next::Read => {
                let on_answer = self.with(|c| bind(&c.answer, slot));
                let on_fail = self.slots.borrow()[slot as usize].as_ref().and_then(|r| r.fail.clone()).expect("set by attempt");
                Ok(response.unchecked_ref::<Response>().json().then2(&on_answer, &on_fail).into())
            }
            Next::Retry(ms) => Ok(self.wait_and_retry(self.finish(slot), ms).into()),
            Next::Fail(e) => {
                self.finish(slot);
                Err(e)
            }
        }
    }

    /// The parsed answer, made a receipt.
    fn on_answer(&self, slot: u32, answer: JsValue) -> Result<JsValue, JsValue> {
        let request = self.finish(slot);
        self.receipt(&request, answer)
    }

    /// A rejected fetch or body read: a timeout, a connection that never
    /// left (tried again), or one dropped on the way.
    fn on_fail(&self, slot: u32, reason: JsValue) -> Result<JsValue, JsValue> {
        let request = self.finish(slot);
        match after_failure(request.signal.as_ref(), &reason, request.attempt) {
            Next::Retry(ms) => Ok(self.wait_and_retry(request, ms).into()),
            Next::Fail(e) => Err(e),
            Next::Read => unreachable!("a failure has no answer to read"),
        }
    }

    fn on_retry(&self, slot: u32, _: JsValue) -> Result<JsValue, JsValue> {
        Ok(self.attempt(slot).into())
    }

    /// The next attempt's promise, after `ms`: a timer's promise whose
    /// continuation is the attempt.
    fn wait_and_retry(&self, mut request: InFlight, ms: f64) -> Pending {
        request.attempt += 1;
        let slot = self.take_slot(request);
        let retry = self.with(|c| bind(&c.retry, slot));
        sleep(ms).then1(&retry)
    }

    /// TextLink's answer: `{ ok: true }` is sent, `{ ok: true, queued: true }` queued.
    fn receipt(&self, request: &InFlight, answer: JsValue) -> Result<JsValue, JsValue> {
        let ok = answer.is_object() && answer.unchecked_ref::<Answer>().ok().as_bool() == Some(true);
        if !ok {
            return Err(error("provider_error", "textlink did not answer { ok: true }"));
        }
        let queued = answer.unchecked_ref::<Answer>().queued().as_bool() == Some(true);
        let receipt: Receipt = Object::new().unchecked_into();
        receipt.set_provider(&self.names[0]);
        receipt.set_id(&request.id);
        receipt.set_status(&self.names[if queued { 1 } else { 2 }]);
        receipt.set_to(&request.to);
        receipt.set_raw(&answer);
        Ok(receipt.into())
    }
}

#[cfg(feature = "executor")]
impl Inner {
    /// The send as an `async fn`: each promise awaited through a JsFuture,
    /// the same decisions as the continuations.
    async fn send_awaiting(&self, mut request: InFlight) -> Result<JsValue, JsValue> {
        use wasm_bindgen_futures::JsFuture;
        let awaited = |p: Pending| JsFuture::from(p.unchecked_into::<Promise>());
        loop {
            let controller = AbortController::new();
            let signal = controller.signal();
            self.init.set_body(&request.body);
            self.init.set_signal(&signal);
            let timer = set_timeout(&self.abort, TIMEOUT_MS, &controller);
            let next = match awaited(self.fetch()).await {
                Err(reason) => after_failure(Some(&signal), &reason, request.attempt),
                Ok(response) => {
                    match after_status(&response, request.attempt) {
                        Next::Read => match awaited(response.unchecked_ref::<Response>().json()).await {
                            Ok(answer) => {
                                clear_timeout(&timer);
                                return self.receipt(&request, answer);
                            }
                            Err(reason) => after_failure(Some(&signal), &reason, request.attempt),
                        },
                        other => other,
                    }
                }
            };
            clear_timeout(&timer);
            match next {
                Next::Retry(ms) => {
                    awaited(sleep(ms)).await?;
                    request.attempt += 1;
                }
                Next::Fail(e) => return Err(e),
                Next::Read => unreachable!("handled above"),
            }
        }
    }
}

/// What an attempt's outcome leads to.
enum Next {
    /// Read the answer's body.
    Read,
    /// Try again after this many milliseconds.
    Retry(f64),
    /// The caller's error.
    Fail(JsValue),
}

/// A 2xx is read; a 429 is tried again after its `Retry-After` (or a
/// backoff) while attempts are left; anything else fails. The body of an
/// answer that is not read is cancelled, so that its connection is free.
fn after_status(response: &JsValue, attempt: u32) -> Next {
    // A given fetch may resolve to anything.
    if !response.is_object() {
        return Next::Fail(error("network", "fetch resolved to something that is not a Response"));
    }
    let response: &Response = response.unchecked_ref();
    let status = response.status();
    if (200..300).contains(&status) {
        return Next::Read;
    }
    if let Some(body) = response.body() {
        drop(body.cancel());
    }
    if status == 429 && attempt < MAX_RETRIES {
        return match response.headers().get("retry-after").and_then(|v| v.trim().parse::<u32>().ok()) {
            Some(s) if s > MAX_RETRY_AFTER_SECONDS => Next::Fail(error("rate_limited", "textlink asked to wait longer than 60 s")),
            Some(s) => Next::Retry(f64::from(s) * 1000.0),
            None => Next::Retry(backoff_ms(attempt)),
        };
    }
    let code = if status == 429 { "rate_limited" } else { "provider_error" };
    let digits = [status / 100, status / 10 % 10, status % 10].map(|d| char::from(b'0' + d as u8));
    Next::Fail(error(code, &["textlink answered HTTP ", &String::from_iter(digits)].concat()))
}

/// A rejected fetch: the timeout fired, the request never left (tried
/// again while attempts are left), or the connection dropped.
fn after_failure(signal: Option<&AbortSignal>, reason: &JsValue, attempt: u32) -> Next {
    if signal.is_some_and(AbortSignal::aborted) {
        return Next::Fail(error("timeout", "textlink did not answer within 10000 ms"));
    }
    let reason: &FetchError = reason.unchecked_ref();
    let code = reason.cause().and_then(|c| c.code()).or_else(|| reason.code());
    if code.as_deref().is_some_and(|c| NOT_SENT.contains(&c)) && attempt < MAX_RETRIES {
        return Next::Retry(backoff_ms(attempt));
    }
    Next::Fail(error("network", "the request to textlink failed, or its answer was not JSON"))
}

/// A promise that resolves after `ms`.
fn sleep(ms: f64) -> Pending {
    Promise::new(&mut |resolve, _| set_timeout_resolve(&resolve, ms)).unchecked_into()
}

/// Exponential backoff with jitter, as the client: 250 ms, 500 ms, 1 s …
/// each drawn from its upper half.
fn backoff_ms(attempt: u32) -> f64 {
    let cap = f64::from(250u32 << attempt.min(5)).min(8_000.0);
    cap / 2.0 + (js_sys::Math::random() * (cap / 2.0)).floor()
}

/// `f.bind(null, slot)`.
fn bind(f: &Function, slot: u32) -> Function {
    f.unchecked_ref::<Callable>().bind_slot(&JsValue::NULL, slot)
}

fn error(code: &str, message: &str) -> JsValue {
    let e = js_sys::Error::new(message);
    e.unchecked_ref::<CodedError>().set_code(code);
    e.into()
}
