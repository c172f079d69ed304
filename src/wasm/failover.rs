//! The `Failover` class: `new Failover([clientOrConfig, …], options)` and
//! its `send(message)`, over the core's [`crate::client::Failover`]. Each
//! provider's send runs on its client's continuations; when it ends, its
//! result decides the next send or the failover's result.

use super::continuations::{Driver, Running};
use super::convert::{error_to_js, out};
use super::platform::JsPlatform;
use super::JsClient;
use crate::client::{Call, Client, FailoverError, FailoverMessage, FailoverReceipt, FailoverSend, FailoverStep, SendReceipt, Step};
use crate::{Error, HttpRequest, HttpResponse, TransportError};
use js_sys::Promise;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// Sends through the first of its providers that takes a message.
#[wasm_bindgen(js_name = Failover, skip_typescript)]
pub struct JsFailover {
    inner: Rc<crate::client::Failover<JsPlatform>>,
    /// Each client's continuations, in the clients' order.
    drivers: Rc<[Rc<Driver>]>,
}

#[wasm_bindgen(js_class = Failover)]
impl JsFailover {
    /// `clients`: `Client`s and configs (made into clients with `options`), tried in order.
    #[wasm_bindgen(constructor)]
    pub fn new(clients: JsValue, options: JsValue) -> Result<JsFailover, JsValue> {
        let (mut list, mut drivers) = (Vec::new(), Vec::new());
        for item in super::failover_items(&clients)?.iter() {
            let client = match super::shared(&item) {
                Some(client) => client,
                None => JsClient::new(item, options.clone())?,
            };
            list.push(client.inner);
            drivers.push(client.driver);
        }
        let inner = Rc::new(crate::client::Failover::new(list).map_err(error_to_js)?);
        Ok(JsFailover { inner, drivers: drivers.into() })
    }

    /// Sends `message`; resolves to the accepting provider's receipt plus
    /// `attempts`, or rejects with the error that ended it, with `attempts`.
    pub fn send(&self, message: JsValue) -> Promise {
        if !message.is_object() || js_sys::Array::is_array(&message) {
            return Promise::reject(&error_to_js(Error::input("message must be an object")));
        }
        let started = FailoverMessage::read(&super::convert::JsObject(message)).map_err(error_to_js).and_then(|m| {
            let run = self.inner.start(&m).map_err(rejection)?;
            next(run, Rc::clone(&self.drivers))
        });
        match started {
            Ok(next) => next.unchecked_into(),
            Err(e) => Promise::reject(&e),
        }
    }
}

/// One provider's send of a failover, carrying the failover on.
struct FailoverCall {
    call: Call<SendReceipt>,
    client: Rc<Client<JsPlatform>>,
    run: FailoverSend<JsPlatform>,
    drivers: Rc<[Rc<Driver>]>,
}

impl Running for FailoverCall {
    fn request(&self) -> &HttpRequest {
        self.call.request()
    }

    fn step(&self) -> Step<'_> {
        self.call.step()
    }

    fn feed(&mut self, client: &Client<JsPlatform>, attempt: u32, started_ms: u64, outcome: Result<HttpResponse, TransportError>) {
        client.feed(&mut self.call, attempt, started_ms, outcome);
    }

    /// The failover's result, or the promise of the next provider's send.
    fn settle(self: Box<Self>) -> Result<JsValue, JsValue> {
        let FailoverCall { call, client, mut run, drivers } = *self;
        let result = call.into_result().unwrap_or_else(|| Err(Error::input("the call ended without a result")));
        match run.sent(client.config().provider, result) {
            Some(end) => written(end),
            None => next(run, drivers),
        }
    }
}

/// Starts the failover's next send (its promise), or writes its end.
fn next(mut run: FailoverSend<JsPlatform>, drivers: Rc<[Rc<Driver>]>) -> Result<JsValue, JsValue> {
    match run.step() {
        FailoverStep::Send { at, client, call } => {
            let driver = Rc::clone(&drivers[at]);
            Ok(driver.run_boxed(Box::new(FailoverCall { call, client, run, drivers })).into())
        }
        FailoverStep::Done(end) => written(end),
    }
}

/// The failover's receipt, or its error with `attempts`.
fn written(end: Result<FailoverReceipt, FailoverError>) -> Result<JsValue, JsValue> {
    end.map_or_else(|failed| Err(rejection(failed)), |receipt| out(Ok(receipt)))
}

fn rejection(failed: FailoverError) -> JsValue {
    let e = error_to_js(failed.error);
    let attempts = crate::wasm::convert::to_js(&failed.attempts).unwrap_or(JsValue::NULL);
    let _ = js_sys::Reflect::set(&e, &JsValue::from_str("attempts"), &attempts);
    e
}
