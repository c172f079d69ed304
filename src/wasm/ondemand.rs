//! The core build (without feature `full`): what `import { Client } from
//! "edgetext"` loads. `send` and `status` run here; the Client's other
//! operations, `Failover` and the server tools are handed to the on-demand
//! module (the `full` build of this crate), which the package's entry loads
//! the first time one of them is called and passes in through `__setFull`.
//!
//! A core `Client` keeps a copy of its config and options, and makes its
//! twin in the on-demand module from them on the first hand-over; a core
//! `Failover` is made of those twins.

use super::convert::error_to_js;
use super::{prop, shared, JsClient};
use crate::client::OperationName;
use crate::{Error, ErrorCode};
use js_sys::{Array, Function, Object, Promise, Reflect};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use super::continuations::Continuation;
use super::fetch::{Callable, Pending};

#[wasm_bindgen(typescript_custom_section)]
const TS_MEMORY_STORE: &'static str = r#"
/** `memoryStore()`: counts kept in memory; each vanishes after its time to live. */
export interface MemoryStore {
  /** Adds one to the count under `key` and returns it: 1 for a new key or one whose time ran out, which then lives `ttlSeconds` (at least 1). */
  incr(key: string, ttlSeconds: number): number;
  /** Frees the wasm memory now rather than at garbage collection. */
  free(): void;
}
"#;

/// How the entry loads the on-demand module, and the module once loaded.
struct Loader {
    /// Resolves to the module's exports, or returns them when `sync`.
    load: Function,
    /// The runtime loads the module synchronously (Node, workerd, edge, inline).
    sync: bool,
    module: Option<JsValue>,
}

thread_local! {
    static LOADER: RefCell<Option<Loader>> = const { RefCell::new(None) };
}

/// Called once by the package's entry file with how it loads the on-demand
/// module: `load()` returns its exports when `sync`, else a Promise of them.
#[wasm_bindgen(js_name = "__setFull", skip_typescript)]
pub fn set_full(load: Function, sync: bool) {
    LOADER.with(|l| *l.borrow_mut() = Some(Loader { load, sync, module: None }));
}

/// Why the on-demand module is out of reach.
fn unavailable(why: &str) -> JsValue {
    error_to_js(Error::new(ErrorCode::WasmUnavailable, format!("edgetext could not load its on-demand module: {why}")))
}

/// The loaded module, or the loader to call: `Ok` when it is there or the
/// runtime loads it synchronously (then it is kept).
fn loaded() -> Result<Result<JsValue, Function>, JsValue> {
    let (module, load, sync) = LOADER.with(|l| {
        let l = l.borrow();
        let l = l.as_ref().ok_or_else(|| unavailable("the package's entry file did not register it"))?;
        Ok::<_, JsValue>((l.module.clone(), l.load.clone(), l.sync))
    })?;
    match module {
        Some(module) => Ok(Ok(module)),
        None if sync => Ok(Ok(keep(load.call0(&JsValue::UNDEFINED)?))),
        None => Ok(Err(load)),
    }
}

/// Keeps the module's exports for every later call.
fn keep(module: JsValue) -> JsValue {
    LOADER.with(|l| l.borrow_mut().as_mut().map(|l| l.module.get_or_insert(module).clone())).unwrap_or(JsValue::UNDEFINED)
}

/// `run` on the on-demand module's exports, at once when it is loaded or
/// loads synchronously, else once it has loaded: the Promise of what `run`
/// returns.
fn with_module(run: impl FnOnce(&JsValue) -> Result<JsValue, JsValue> + 'static) -> Promise {
    let ran = match loaded() {
        Ok(Ok(module)) => run(&module),
        Ok(Err(load)) => load.call0(&JsValue::UNDEFINED).map(|loading| then(loading, Box::new(move |module| run(&keep(module)))).into()),
        Err(e) => Err(e),
    };
    match ran {
        Ok(value) => Promise::resolve(&value),
        Err(e) => Promise::reject(&e),
    }
}

/// What a promise's value goes on to, once.
type Then = Box<dyn FnOnce(JsValue) -> Result<JsValue, JsValue>>;

/// The steps waiting for the module, by slot, and the continuation that
/// runs them (the signature of the send path's continuations, so that the
/// glue has no other).
struct Steps {
    waiting: Vec<Option<Then>>,
    run: Option<Continuation>,
}

thread_local! {
    static STEPS: RefCell<Steps> = const { RefCell::new(Steps { waiting: Vec::new(), run: None }) };
}

/// `value` (a Promise or not) continued by `next`: the promise of what
/// `next` returns, without an executor (`then` with the continuation bound
/// to `next`'s slot: `2 * slot` on the value, `2 * slot + 1` on a rejection).
#[inline(never)]
fn then(value: JsValue, next: Then) -> Promise {
    let (ok, fail) = STEPS.with(|steps| {
        let mut steps = steps.borrow_mut();
        let slot = match steps.waiting.iter().position(Option::is_none) {
            Some(slot) => slot,
            None => {
                steps.waiting.push(None);
                steps.waiting.len() - 1
            }
        };
        steps.waiting[slot] = Some(next);
        let run = steps.run.get_or_insert_with(|| Continuation::new(step));
        let bind = |at| run.as_ref().unchecked_ref::<Callable>().bind_slot(&JsValue::NULL, at);
        (bind(2 * slot as u32), bind(2 * slot as u32 + 1))
    });
    Promise::resolve(&value).unchecked_into::<Pending>().then2(&ok, &fail).unchecked_into()
}

/// Runs the step waiting at `at / 2` on its promise's value, or frees its
/// slot and passes a rejection on.
fn step(at: u32, value: JsValue) -> Result<JsValue, JsValue> {
    let next = STEPS.with(|steps| steps.borrow_mut().waiting.get_mut((at / 2) as usize).and_then(Option::take));
    match next {
        Some(next) if at & 1 == 0 => next(value),
        Some(_) => Err(value),
        None => Err(js_sys::Error::new("edgetext: a continuation ran twice").into()),
    }
}

/// `module[name](...args)`, for the synchronous tools. A browser bundle
/// loads the module asynchronously: there a tool runs once it is loaded,
/// and `edgetext/tools` is the entry that loads it on import.
fn forward(name: &str, args: &Array) -> Result<JsValue, JsValue> {
    let module = loaded()?.map_err(|_| unavailable(&format!("{name} runs in it and, in a browser, it loads asynchronously: import {{ {name} }} from \"edgetext/tools\", which loads it")))?;
    prop(&module, name).unchecked_into::<Function>().apply(&JsValue::UNDEFINED, args)
}

/// A value of the on-demand module made on first use, freed with its owner.
#[derive(Default)]
struct Handle(RefCell<Option<JsValue>>);

impl Handle {
    /// The value, made by `make` the first time.
    fn get(&self, make: impl FnOnce() -> Result<JsValue, JsValue>) -> Result<JsValue, JsValue> {
        if let Some(v) = self.0.borrow().clone() {
            return Ok(v);
        }
        let made = make()?;
        *self.0.borrow_mut() = Some(made.clone());
        Ok(made)
    }
}

/// `value.free()`: a class instance of the on-demand module lets go of its wasm memory.
fn free(value: &JsValue) {
    let _ = prop(value, "free").dyn_into::<Function>().map(|free| free.call0(value));
}

impl Drop for Handle {
    fn drop(&mut self) {
        if let Some(v) = self.0.take() {
            free(&v);
        }
    }
}

/// A core Client's config and options, and its twin in the on-demand module.
pub(crate) struct Twin {
    config: JsValue,
    options: JsValue,
    client: Handle,
}

impl Twin {
    /// Keeps `config` (and its `otp`) as they are now: a later change of the
    /// caller's object does not reach the twin.
    pub(crate) fn new(config: &JsValue, options: JsValue) -> Rc<Twin> {
        let copy = Object::assign(&Object::new(), config.unchecked_ref());
        let otp = prop(config, "otp");
        if otp.is_object() {
            let _ = Reflect::set(&copy, &"otp".into(), &Object::assign(&Object::new(), otp.unchecked_ref()));
        }
        Rc::new(Twin { config: copy.into(), options, client: Handle::default() })
    }

    /// The twin `Client` in the on-demand `module`, made on the first call.
    fn client(&self, module: &JsValue) -> Result<JsValue, JsValue> {
        self.client.get(|| {
            let class: Function = prop(module, "Client").unchecked_into();
            Reflect::construct(&class, &Array::of2(&self.config, &self.options))
        })
    }
}

/// `target[method](arg)`: its Promise.
fn call(target: &JsValue, method: &str, arg: &JsValue) -> Result<JsValue, JsValue> {
    let f: Function = prop(target, method).unchecked_into();
    f.call1(target, arg)
}

impl JsClient {
    /// Runs `method` on this client's twin in the on-demand module.
    fn hand_over(&self, op: OperationName, arg: JsValue) -> Promise {
        let twin = Rc::clone(&self.twin);
        with_module(move |module| call(&twin.client(module)?, op.as_str(), &arg))
    }
}

#[wasm_bindgen(js_class = Client)]
impl JsClient {
    /// Sends a one-time code; resolves to its ticket (never the code).
    #[wasm_bindgen(js_name = sendCode)]
    pub fn send_code(&self, request: JsValue) -> Promise {
        self.hand_over(OperationName::SendCode, request)
    }

    /// Checks a code; a wrong code resolves to `{ valid: false, reason }`.
    #[wasm_bindgen(js_name = verifyCode)]
    pub fn verify_code(&self, request: JsValue) -> Promise {
        self.hand_over(OperationName::VerifyCode, request)
    }

    /// textlink: sets a contact's tag.
    #[wasm_bindgen(js_name = updateContactTag)]
    pub fn update_contact_tag(&self, request: JsValue) -> Promise {
        self.hand_over(OperationName::UpdateContactTag, request)
    }

    /// relay: the newest messages.
    #[wasm_bindgen(js_name = listMessages)]
    pub fn list_messages(&self, options: JsValue) -> Promise {
        self.hand_over(OperationName::ListMessages, options)
    }

    /// relay: `GET /health`.
    pub fn health(&self) -> Promise {
        self.hand_over(OperationName::Health, JsValue::UNDEFINED)
    }

    /// relay: the inbound report for a filter.
    #[wasm_bindgen(js_name = inboundQuery)]
    pub fn inbound_query(&self, filter: JsValue) -> Promise {
        self.hand_over(OperationName::InboundQuery, filter)
    }

    /// relay: the registered inbound callbacks.
    #[wasm_bindgen(js_name = listCallbacks)]
    pub fn list_callbacks(&self) -> Promise {
        self.hand_over(OperationName::ListCallbacks, JsValue::UNDEFINED)
    }

    /// relay: registers an inbound callback.
    #[wasm_bindgen(js_name = registerCallback)]
    pub fn register_callback(&self, callback: JsValue) -> Promise {
        self.hand_over(OperationName::RegisterCallback, callback)
    }

    /// relay: removes an inbound callback by its URL.
    #[wasm_bindgen(js_name = deleteCallback)]
    pub fn delete_callback(&self, request: JsValue) -> Promise {
        self.hand_over(OperationName::DeleteCallback, request)
    }
}

/// Sends through the first of its providers that takes a message; its
/// `send` runs in the on-demand module.
#[wasm_bindgen(js_name = Failover, skip_typescript)]
pub struct JsFailover {
    clients: Rc<Vec<Rc<Twin>>>,
    inner: Rc<Handle>,
}

#[wasm_bindgen(js_class = Failover)]
impl JsFailover {
    /// `clients`: `Client`s and configs (made into clients with `options`),
    /// tried in order; checked here, as the on-demand module would.
    #[wasm_bindgen(constructor)]
    pub fn new(clients: JsValue, options: JsValue) -> Result<JsFailover, JsValue> {
        let items = super::failover_items(&clients)?;
        let mut cores = Vec::new();
        let mut twins = Vec::new();
        for item in items.iter() {
            let client = match shared(&item) {
                Some(client) => client,
                None => JsClient::new(item, options.clone())?,
            };
            cores.push(Rc::clone(&client.inner));
            twins.push(Rc::clone(&client.twin));
        }
        crate::client::Failover::new(cores).map_err(error_to_js)?;
        Ok(JsFailover { clients: Rc::new(twins), inner: Rc::default() })
    }

    /// Sends `message`; resolves to the accepting provider's receipt plus
    /// `attempts`, or throws the error that ended it, with `attempts`.
    pub fn send(&self, message: JsValue) -> Promise {
        let (twins, inner) = (Rc::clone(&self.clients), Rc::clone(&self.inner));
        with_module(move |module| {
            let failover = inner.get(|| {
                let clients = Array::new();
                for twin in twins.iter() {
                    clients.push(&twin.client(module)?);
                }
                let class: Function = prop(module, "Failover").unchecked_into();
                Reflect::construct(&class, &Array::of1(&clients))
            })?;
            call(&failover, "send", &message)
        })
    }
}

/// Checks a delivery from an edgetext worker (Standard Webhooks): the
/// `webhook-signature` must be the HMAC of `webhook-id`.`webhook-timestamp`.body
/// under `secret` (`whsec_<base64>`), the timestamp within
/// `toleranceSeconds` (default 300) of now. An empty secret never verifies.
/// Runs in the on-demand module.
#[wasm_bindgen(js_name = verifyWebhook)]
pub fn verify_webhook(
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] body: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Headers | Record<string, string | string[] | undefined> | [string, string][]")] headers: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string")] secret: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "{ toleranceSeconds?: number; now?: number }")] options: JsValue,
) -> Result<bool, JsValue> {
    let args = Array::of4(&body, &headers, &secret, &options);
    Ok(forward("verifyWebhook", &args)?.is_truthy())
}

/// Checks a verification assertion from an edgetext worker's
/// `/v1/otp/verify`: returns `{ to, verifiedAt, id }` (`verifiedAt` ISO 8601),
/// or throws `EdgetextError` `invalid_assertion` (tampered, expired, another
/// number, another secret) or `invalid_config` (a secret under 32 bytes).
/// Runs in the on-demand module.
#[wasm_bindgen(js_name = verifyOtpAssertion, unchecked_return_type = "{ to: string; verifiedAt: string; id: string }")]
pub fn verify_otp_assertion(
    #[wasm_bindgen(unchecked_param_type = "string")] assertion: JsValue,
    #[wasm_bindgen(unchecked_param_type = "{ secret: string; to: string; maxAgeSeconds?: number }")] options: JsValue,
) -> Result<JsValue, JsValue> {
    forward("verifyOtpAssertion", &Array::of2(&assertion, &options))
}

/// A new, empty `MemoryStore` for `config.otp.store`: counts checks in
/// this process only. Made by the on-demand module.
#[wasm_bindgen(js_name = memoryStore, unchecked_return_type = "MemoryStore")]
pub fn memory_store() -> Result<JsValue, JsValue> {
    forward("memoryStore", &Array::new())
}
