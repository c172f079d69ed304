//! `Client`'s methods without an executor: a method starts the core's
//! [`Call`] and returns `fetch(…).then(onResponse, onFail)`. The four
//! continuations are made once per client; each is bound to the call's slot
//! (`f.bind(null, slot)`, once per slot: a later call in the same slot uses
//! the same functions), feeds the call what came back and returns the
//! next promise: the answer's text, the next attempt (after its wait), or
//! the result. The call decides every retry and timeout
//! (`src/client/call.rs`); this only carries them out.

use super::convert::error_to_js;
use super::fetch::{self, AbortSignal, Callable, Exchange, Pending};
use super::platform::{failure, JsPlatform};
use crate::client::{Call, Client, Step};
use crate::{Clock, Error, HttpRequest, HttpResponse, TransportError};
use js_sys::{Function, Promise};
use std::cell::{OnceCell, RefCell};
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;

pub(super) type Continuation = Closure<dyn FnMut(u32, JsValue) -> Result<JsValue, JsValue>>;

/// A call of any operation, as the continuations drive it.
pub(super) trait Running {
    fn request(&self) -> &HttpRequest;
    fn step(&self) -> Step<'_>;
    /// [`Client::feed`].
    fn feed(&mut self, client: &Client<JsPlatform>, attempt: u32, started_ms: u64, outcome: Result<HttpResponse, TransportError>);
    /// The result, written to JavaScript (a rejection for an error).
    fn settle(self: Box<Self>) -> Result<JsValue, JsValue>;
}

/// What a call's result becomes in JavaScript.
pub(super) trait Settle {
    fn into_js(self) -> Result<JsValue, JsValue>;
}

impl Settle for crate::client::SendReceipt {
    fn into_js(self) -> Result<JsValue, JsValue> {
        Ok(super::access::write(&self))
    }
}

impl Settle for crate::client::MessageStatus {
    fn into_js(self) -> Result<JsValue, JsValue> {
        Ok(super::access::write(&self))
    }
}

/// The on-demand module's other results, through serde-wasm-bindgen.
#[cfg(feature = "full")]
macro_rules! settle_by_serde {
    ($($t:ty),*) => {$(
        impl Settle for $t {
            fn into_js(self) -> Result<JsValue, JsValue> {
                super::convert::out(Ok(self))
            }
        }
    )*};
}
#[cfg(feature = "full")]
settle_by_serde!(crate::client::CodeTicket, crate::client::Verification, crate::RawJson);

impl<O: Settle> Running for Call<O> {
    fn request(&self) -> &HttpRequest {
        Call::request(self)
    }

    fn step(&self) -> Step<'_> {
        Call::step(self)
    }

    fn feed(&mut self, client: &Client<JsPlatform>, attempt: u32, started_ms: u64, outcome: Result<HttpResponse, TransportError>) {
        client.feed(self, attempt, started_ms, outcome);
    }

    fn settle(self: Box<Self>) -> Result<JsValue, JsValue> {
        match self.into_result() {
            Some(Ok(result)) => result.into_js(),
            Some(Err(e)) => Err(error_to_js(e)),
            None => Err(error_to_js(Error::input("the call ended without a result"))),
        }
    }
}

/// The continuations, by their place in [`Driver::continuations`].
#[derive(Clone, Copy)]
enum Next {
    Response,
    Text,
    Fail,
    Retry,
}

/// A call in flight.
struct InFlight {
    call: Box<dyn Running>,
    exchange: Exchange,
    /// Attempts sent so far.
    attempt: u32,
    started_ms: u64,
    timer: JsValue,
    signal: Option<AbortSignal>,
    /// The answer's status and kept headers while its text is read.
    head: Option<(u16, Vec<(String, String)>)>,
    bound: Bound,
    /// The driver lives while one of its calls is in flight.
    _driver: Rc<Driver>,
}

/// The continuations bound to one slot.
struct Bound {
    on_response: Function,
    on_text: Function,
    on_fail: Function,
}

enum Slot {
    /// With the continuations bound to it, once a call has used it.
    Free(Option<Bound>),
    /// Taken out by the continuation that runs now: a call that starts
    /// meanwhile (from `fetch` or `onRequest`) gets another slot.
    Busy,
    Waiting(Box<InFlight>),
}

/// A client's calls in flight and its continuations.
pub(super) struct Driver {
    client: Rc<Client<JsPlatform>>,
    slots: RefCell<Vec<Slot>>,
    continuations: OnceCell<[Continuation; 4]>,
}

impl Driver {
    pub(super) fn new(client: Rc<Client<JsPlatform>>) -> Rc<Driver> {
        let driver = Rc::new(Driver { client, slots: RefCell::new(Vec::new()), continuations: OnceCell::new() });
        // Weak: the driver owns its continuations.
        let weak = Rc::downgrade(&driver);
        let make = |f: fn(&Rc<Driver>, u32, JsValue) -> Result<JsValue, JsValue>| {
            let weak: Weak<Driver> = weak.clone();
            Continuation::new(move |slot, value| match weak.upgrade() {
                Some(driver) => f(&driver, slot, value),
                None => Err(js_sys::Error::new("edgetext: the client was freed during a call").into()),
            })
        };
        let made = [make(Driver::on_response), make(Driver::on_text), make(Driver::on_fail), make(Driver::on_retry)];
        let _ = driver.continuations.set(made);
        driver
    }

    /// `next` bound to `slot`.
    fn bind(&self, next: Next, slot: u32) -> Function {
        let continuations = self.continuations.get().expect("made by Driver::new");
        continuations[next as usize].as_ref().unchecked_ref::<Callable>().bind_slot(&JsValue::NULL, slot)
    }

    /// Runs `call` to its end: the promise of its result.
    pub(super) fn run<O: Settle + 'static>(self: &Rc<Self>, call: Call<O>) -> Promise {
        self.run_boxed(Box::new(call))
    }

    /// Runs a call of any kind to its end (a failover's send too).
    pub(super) fn run_boxed(self: &Rc<Self>, call: Box<dyn Running>) -> Promise {
        let exchange = Exchange::new(call.request());
        let (slot, bound) = {
            let mut slots = self.slots.borrow_mut();
            let slot = match slots.iter().position(|s| matches!(s, Slot::Free(_))) {
                Some(i) => i,
                None => {
                    slots.push(Slot::Free(None));
                    slots.len() - 1
                }
            };
            match core::mem::replace(&mut slots[slot], Slot::Busy) {
                Slot::Free(bound) => (slot, bound),
                _ => unreachable!("the slot was found free"),
            }
        };
        let slot32 = slot as u32;
        let bound = bound.unwrap_or_else(|| Bound {
            on_response: self.bind(Next::Response, slot32),
            on_text: self.bind(Next::Text, slot32),
            on_fail: self.bind(Next::Fail, slot32),
        });
        let f = InFlight {
            call,
            exchange,
            attempt: 0,
            started_ms: 0,
            timer: JsValue::UNDEFINED,
            signal: None,
            head: None,
            bound,
            _driver: Rc::clone(self),
        };
        self.attempt(slot32, Box::new(f)).unchecked_into()
    }

    fn take(&self, slot: u32) -> Result<Box<InFlight>, JsValue> {
        let mut slots = self.slots.borrow_mut();
        match slots.get_mut(slot as usize).map(|s| core::mem::replace(s, Slot::Busy)) {
            Some(Slot::Waiting(f)) => Ok(f),
            other => {
                if let Some(s) = other {
                    slots[slot as usize] = s;
                }
                Err(js_sys::Error::new("edgetext: a continuation ran twice").into())
            }
        }
    }

    fn put(&self, slot: u32, f: Box<InFlight>) {
        self.slots.borrow_mut()[slot as usize] = Slot::Waiting(f);
    }

    /// Sends the call's next attempt: `fetch(…).then(onResponse, onFail)`.
    fn attempt(&self, slot: u32, mut f: Box<InFlight>) -> Pending {
        let timeout_ms = self.client.config().timeout_ms;
        f.attempt += 1;
        // Only `onRequest`'s record reads when an attempt started: without
        // it, the attempt's one `Date.now()` is when its outcome is fed.
        if self.client.platform().request_ids {
            f.started_ms = self.client.platform().now_ms();
        }
        let (pending, timer, signal) = f.exchange.attempt(self.client.platform().fetch.as_ref(), timeout_ms);
        f.timer = timer;
        f.signal = Some(signal);
        let next = pending.then2(&f.bound.on_response, &f.bound.on_fail);
        self.put(slot, f);
        next
    }

    /// The answer's status: its text is read next (a second `then`).
    fn on_response(self: &Rc<Self>, slot: u32, answer: JsValue) -> Result<JsValue, JsValue> {
        let mut f = self.take(slot)?;
        let signal = f.signal.as_ref().expect("set by the attempt");
        match fetch::head(&answer, signal, self.client.platform().request_ids) {
            Err(e) => self.after(slot, f, Err(e)),
            Ok(head) => {
                f.head = Some((head.status, head.headers));
                let next = head.response.text().then2(&f.bound.on_text, &f.bound.on_fail);
                self.put(slot, f);
                Ok(next.into())
            }
        }
    }

    fn on_text(self: &Rc<Self>, slot: u32, text: JsValue) -> Result<JsValue, JsValue> {
        let mut f = self.take(slot)?;
        let (status, headers) = f.head.take().unwrap_or_default();
        self.after(slot, f, Ok(HttpResponse { status, headers, body: text.as_string().unwrap_or_default() }))
    }

    /// A rejected fetch or body read.
    fn on_fail(self: &Rc<Self>, slot: u32, reason: JsValue) -> Result<JsValue, JsValue> {
        let f = self.take(slot)?;
        let failed = match &f.signal {
            Some(signal) if f.head.is_some() => fetch::body_failure(signal),
            Some(signal) => failure(&reason, signal.aborted()),
            None => failure(&reason, false),
        };
        self.after(slot, f, Err(failed))
    }

    fn on_retry(self: &Rc<Self>, slot: u32, _: JsValue) -> Result<JsValue, JsValue> {
        let f = self.take(slot)?;
        Ok(self.attempt(slot, f).into())
    }

    /// Feeds the attempt's outcome to the call, then goes on as it says:
    /// the result, the next attempt, or a wait and then the next attempt.
    fn after(&self, slot: u32, mut f: Box<InFlight>, outcome: Result<HttpResponse, TransportError>) -> Result<JsValue, JsValue> {
        fetch::clear_timeout(&f.timer);
        f.head = None;
        f.call.feed(&self.client, f.attempt, f.started_ms, outcome);
        match f.call.step() {
            Step::Done => {
                let InFlight { call, bound, .. } = *f;
                self.slots.borrow_mut()[slot as usize] = Slot::Free(Some(bound));
                call.settle()
            }
            Step::Fetch { delay_ms: 0, .. } => Ok(self.attempt(slot, f).into()),
            Step::Fetch { delay_ms, .. } => {
                let retry = self.bind(Next::Retry, slot);
                self.put(slot, f);
                Ok(fetch::sleep(delay_ms).then1(&retry).into())
            }
        }
    }
}
