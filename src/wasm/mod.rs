//! The JavaScript API (wasm32 only): the `Client` class, whose async methods
//! run the core's calls over `fetch`, `Failover`, the free functions, the
//! platform (`fetch`, timers, randomness, the code store) and, in the worker
//! build, the worker's bindings (`worker/`). It converts values and decides
//! nothing.
//!
//! Two builds make the package's client: the core (no feature), which runs
//! `send` and `status` and hands everything else to the on-demand module
//! (`ondemand.rs`), and that module (feature `full`: `extras.rs`,
//! `failover.rs`, the tools).
//!
//! The only place with `#[wasm_bindgen]`; nothing else imports it.

pub(crate) mod access;
#[cfg(feature = "full")]
mod assertion;
mod continuations;
pub(crate) mod convert;
#[cfg(feature = "full")]
mod extras;
#[cfg(feature = "full")]
mod failover;
mod fetch;
pub(crate) mod field;
#[cfg(not(any(feature = "full", feature = "worker")))]
mod ondemand;
mod platform;
// The worker's wasm leaves out client-only functions its app has from
// `edgetext` (the wasm tests, built with every feature, keep them).
#[cfg(all(feature = "full", any(test, not(feature = "worker"))))]
mod standard_webhooks;
mod store;
#[cfg(any(test, not(feature = "full")))]
pub(crate) mod text;
#[cfg(feature = "worker")]
mod worker;

use crate::client::{Config, Operation, OperationName};
#[cfg(feature = "full")]
use crate::client::Started;
use convert::error_to_js;
#[cfg(feature = "full")]
use convert::out;
use platform::JsPlatform;
use js_sys::Promise;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = include_str!("types.d.ts");

/// A client for one provider account (`new Client(config, { fetch })`).
#[wasm_bindgen(js_name = Client, skip_typescript)]
pub struct JsClient {
    inner: Rc<crate::client::Client<JsPlatform>>,
    driver: Rc<continuations::Driver>,
    /// The core build's hand-over to the on-demand module.
    #[cfg(not(any(feature = "full", feature = "worker")))]
    twin: Rc<ondemand::Twin>,
}

/// A JS value's property.
pub(crate) fn prop(v: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(v, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// The client of a `Client` instance, shared; `None` for anything else.
#[cfg(any(feature = "full", not(feature = "worker")))]
fn shared(item: &JsValue) -> Option<JsClient> {
    let share: js_sys::Function = prop(item, "__share").dyn_into().ok()?;
    let handle = share.call0(item).ok()?;
    <JsClient as wasm_bindgen::convert::TryFromJsValue>::try_from_js_value(handle).ok()
}

/// The items of `new Failover(clients)`, or why `clients` is none.
#[cfg(any(feature = "full", not(feature = "worker")))]
fn failover_items(clients: &JsValue) -> Result<js_sys::Array, JsValue> {
    if !js_sys::Array::is_array(clients) {
        return Err(error_to_js(crate::Error::config("new Failover(clients): clients must be an array of Clients or configs")));
    }
    Ok(js_sys::Array::from(clients))
}

#[wasm_bindgen(js_class = Client)]
impl JsClient {
    /// Validates `config`; throws `invalid_config` naming the bad field.
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue, options: JsValue) -> Result<JsClient, JsValue> {
        let bad = |m: &str| error_to_js(crate::Error::config(m));
        if !config.is_object() {
            return Err(bad("config must be an object"));
        }
        // `onRequest` is a function: taken aside like `otp.store` below.
        let on_request = match prop(&config, "onRequest") {
            f if f.is_undefined() => None,
            f if f.is_function() => Some(f.unchecked_into::<js_sys::Function>()),
            _ => return Err(bad("config.onRequest must be a function")),
        };
        // `otp.store` is a JS object with methods, not data: it is taken
        // aside like `onRequest`, and the rest of the config read as data.
        let otp = prop(&config, "otp");
        let store = if otp.is_object() { Some(prop(&otp, "store")).filter(|s| !s.is_undefined()) } else { None };
        let store = store.map(store::SignedCodeStore::new).transpose().map_err(bad)?;
        let mut given = crate::client::ClientConfig::read(&convert::JsObject(config.clone()), &["onRequest", "otp.store"]).map_err(error_to_js)?;
        for url in [&mut given.common.base_url, &mut given.common.otp_url, &mut given.common.status_url] {
            if let Some(resolved) = url.as_deref().and_then(resolve_path) {
                *url = Some(resolved);
            }
        }
        let cfg = Config::new(given).map_err(error_to_js)?;
        let fetch = if options.is_undefined() || options.is_null() {
            None
        } else {
            match prop(&options, "fetch") {
                f if f.is_undefined() => None,
                f if f.is_function() => Some(f.unchecked_into()),
                _ => return Err(bad("options.fetch must be a function")),
            }
        };
        let mut client = crate::client::Client::new(cfg, JsPlatform { fetch, store, request_ids: on_request.is_some() });
        if let Some(hook) = on_request {
            client = client.on_request(move |record| platform::report(&hook, record));
        }
        let inner = Rc::new(client);
        Ok(JsClient {
            driver: continuations::Driver::new(Rc::clone(&inner)),
            inner,
            #[cfg(not(any(feature = "full", feature = "worker")))]
            twin: ondemand::Twin::new(&config, options),
        })
    }

    /// A second handle on this client, for `new Failover([client])` (the
    /// wasm takes the handle it is given; the caller's stays usable).
    #[wasm_bindgen(js_name = "__share", skip_typescript)]
    pub fn share(&self) -> JsClient {
        JsClient {
            inner: Rc::clone(&self.inner),
            driver: Rc::clone(&self.driver),
            #[cfg(not(any(feature = "full", feature = "worker")))]
            twin: Rc::clone(&self.twin),
        }
    }

    /// The configured provider.
    #[wasm_bindgen(getter)]
    pub fn provider(&self) -> String {
        self.inner.config().provider.as_str().into()
    }

    /// Runs the operation `name`: its result's Promise. A call runs on
    /// promise continuations (`continuations.rs`); only a signed code's
    /// check, which awaits the store between its steps, runs as a future.
    #[cfg(feature = "full")]
    fn spawn(&self, name: OperationName, arg: JsValue) -> Promise {
        let started = match read(self.inner.config().provider, name, arg) {
            Ok(op) => self.inner.start(op).map_err(error_to_js),
            Err(e) => Err(e),
        };
        match started {
            Ok(Started::Send(call)) => self.driver.run(call),
            Ok(Started::Status(call)) => self.driver.run(call),
            Ok(Started::Code(call)) => self.driver.run(call),
            Ok(Started::Verify(call)) => self.driver.run(call),
            Ok(Started::Raw(call)) => self.driver.run(call),
            Ok(Started::CheckSigned(r)) => {
                let client = Rc::clone(&self.inner);
                wasm_bindgen_futures::future_to_promise(async move { out(client.check_signed(r).await) })
            }
            Err(e) => Promise::reject(&e),
        }
    }

    /// The core's [`Self::spawn`]: send and status only, each started by
    /// its own function, so that no other operation's preparation is linked.
    #[cfg(not(feature = "full"))]
    fn spawn(&self, name: OperationName, arg: JsValue) -> Promise {
        let provider = self.inner.config().provider;
        let started = read(provider, name, arg).and_then(|op| match op {
            Operation::Send(message) => self.inner.start_send(message).map(|call| self.driver.run(call)).map_err(error_to_js),
            Operation::Status(id) => self.inner.start_status(&id).map(|call| self.driver.run(call)).map_err(error_to_js),
            // The core reads send's and status's arguments only (read_operation).
            _ => Err(error_to_js(crate::Error::unsupported("this call runs in the on-demand module"))),
        });
        started.unwrap_or_else(|e| Promise::reject(&e))
    }

    /// Sends a message; resolves to its receipt.
    pub fn send(&self, message: JsValue) -> Promise {
        self.spawn(OperationName::Send, message)
    }

    /// A message's status.
    pub fn status(&self, id: JsValue) -> Promise {
        self.spawn(OperationName::Status, id)
    }
}

/// The argument of the operation `name`, read from JS; the error names the
/// failing field.
fn read(provider: crate::providers::ProviderKind, name: OperationName, arg: JsValue) -> Result<Operation, JsValue> {
    let arg = match name {
        // An absent options object means no options.
        OperationName::ListMessages | OperationName::InboundQuery if arg.is_undefined() || arg.is_null() => js_sys::Object::new().into(),
        _ => arg,
    };
    read_operation(name, provider, arg.clone()).map_err(|mut e| {
        if let Some(field) = failing_field(&arg, &|one| read_operation(name, provider, one).err().map(|e| e.message)) {
            e.message = crate::core::text::replacen(&e.message, ": ", &format!(".{field}: "), 1);
        }
        error_to_js(e.with_provider(provider.as_str()))
    })
}

/// [`Operation::read`] of a caller's JavaScript value.
#[cfg(feature = "full")]
fn read_operation(name: OperationName, provider: crate::providers::ProviderKind, arg: JsValue) -> crate::Result<Operation> {
    Operation::read(name, provider, field::Checked(arg))
}

/// The core's [`Operation::read`]: send's message and status's id, the
/// operations it runs, so that it holds no other operation's reader.
#[cfg(not(feature = "full"))]
fn read_operation(name: OperationName, provider: crate::providers::ProviderKind, arg: JsValue) -> crate::Result<Operation> {
    use crate::core::codec::{de, read};
    let arg = field::Checked(arg);
    let (what, op) = match name {
        OperationName::Send => ("message", read(arg, |d| crate::providers::Message::deserialize_for(provider, d).map(Operation::Send))),
        OperationName::Status => ("id", read(arg, |d| de::<String, _>(d).map(Operation::Status))),
        other => return Err(crate::Error::unsupported(format!("{} runs in the on-demand module", other.as_str()))),
    };
    op.map_err(|why| crate::client::input_error(what, provider, &why))
}

/// Which field of `value` a failed read was about: the one key whose value
/// alone fails for its type (the wasm reads without tracking paths, which
/// would double the code of every deserialiser).
pub(crate) fn failing_field(value: &JsValue, read_one: &dyn Fn(JsValue) -> Option<String>) -> Option<String> {
    if !value.is_object() || js_sys::Array::is_array(value) {
        return None;
    }
    js_sys::Object::entries(value.unchecked_ref::<js_sys::Object>()).iter().find_map(|entry| {
        let entry: js_sys::Array = entry.unchecked_into();
        let key = entry.get(0).as_string()?;
        let one = js_sys::Object::new();
        js_sys::Reflect::set(&one, &entry.get(0), &entry.get(1)).ok()?;
        let m = read_one(one.into())?;
        ["invalid type", "invalid value", "unknown variant", "invalid length"].into_iter().any(|what| crate::core::text::contains(&m, what)).then_some(key)
    })
}

#[wasm_bindgen]
extern "C" {
    /// `globalThis`, which every runtime the package supports has (one
    /// import, where `js_sys::global()` tries four).
    #[wasm_bindgen(thread_local_v2, js_name = globalThis)]
    static GLOBAL_THIS: JsValue;
}

/// A URL that is a path (`/proxy/textlink`) resolved against the global
/// `location` (a page, a web worker), with the URL constructor; `None`
/// for anything else, or where there is no `location` (Node, Workers): the
/// core then refuses the path, saying a full URL is needed there.
fn resolve_path(url: &str) -> Option<String> {
    if !url.starts_with('/') || url.starts_with("//") {
        return None;
    }
    let global = GLOBAL_THIS.with(JsValue::clone);
    let href = prop(&prop(&global, "location"), "href").as_string()?;
    let ctor: js_sys::Function = prop(&global, "URL").dyn_into().ok()?;
    let resolved = js_sys::Reflect::construct(&ctor, &js_sys::Array::of2(&JsValue::from_str(url), &JsValue::from_str(&href))).ok()?;
    prop(&resolved, "href").as_string()
}

/// Counts the SMS segments of `text` (GSM-7 160/153, UCS-2 70/67).
#[cfg(any(test, not(feature = "worker")))]
#[wasm_bindgen(unchecked_return_type = "SegmentInfo")]
pub fn segments(text: &str) -> JsValue {
    access::segments(&crate::segments(text))
}

/// Normalises a phone number to E.164; throws `invalid_phone`.
#[cfg(any(test, not(feature = "worker")))]
#[wasm_bindgen(js_name = normalizePhone)]
pub fn normalize_phone(
    input: &str,
    #[wasm_bindgen(unchecked_optional_param_type = "{ defaultCountry?: string }")] options: Option<js_sys::Object>,
) -> Result<String, JsValue> {
    let country = options.map(|o| prop(&o, "defaultCountry")).and_then(|v| v.as_string());
    crate::phone::normalize_phone(input, country.as_deref()).map_err(error_to_js)
}

/// The ISO 3166 alpha-2 country of an E.164 number (`"US"`, `"GB"`, …), or
/// `undefined` when its calling code is not one edgetext knows.
#[wasm_bindgen(js_name = countryOf)]
pub fn country_of(e164: &str) -> Option<String> {
    crate::phone::country_of(e164).map(str::to_string)
}

#[cfg(test)]
mod tests;

#[global_allocator]
static ALLOC: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    // SAFETY: wasm32-unknown-unknown without the atomics feature runs one thread.
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };
