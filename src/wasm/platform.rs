//! The platform in JavaScript: `Date.now()`, `crypto.getRandomValues()`,
//! `setTimeout`, the global `fetch` (or the one given to `new Client`) and
//! the signed-code store of `config.otp.store`. All are globals in Node,
//! Deno, Bun, browsers and workerd; nothing here touches `window`.

use crate::{Clock, CodeStore, Random, TransportError};
use js_sys::{Function, Promise, Reflect};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = crypto, js_name = getRandomValues)]
    fn get_random_values(buf: &mut [u8]);
}

/// Bytes fetched from `crypto.getRandomValues` per call. Node answers each
/// call through a synchronous trip into OpenSSL that cost about a quarter of
/// a send's time in the core; one call per 2,048 bytes (the pool of Node's
/// `randomUUID`: 128 UUIDs) makes it negligible. Each byte is handed out once.
const POOL: usize = 2048;

struct Pool {
    bytes: [u8; POOL],
    used: usize,
}

thread_local! {
    static POOLED: RefCell<Pool> = const { RefCell::new(Pool { bytes: [0; POOL], used: POOL }) };
}

/// Node's error codes for a request that never left this machine.
const NOT_SENT: [&str; 5] = ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH"];

/// The JavaScript platform of one client: its `fetch` and its code store.
pub(crate) struct JsPlatform {
    /// `options.fetch` of `new Client(config, options)`, else the global one.
    pub fetch: Option<Function>,
    /// `config.otp.store`.
    pub store: Option<super::store::SignedCodeStore>,
    /// Whether answers' request ids are read (for `config.onRequest`).
    pub request_ids: bool,
}

impl Clock for JsPlatform {
    fn now_ms(&self) -> u64 {
        js_sys::Date::now() as u64
    }
}

impl Random for JsPlatform {
    fn fill(&self, buf: &mut [u8]) {
        if buf.len() > POOL / 4 {
            get_random_values(buf);
            return;
        }
        POOLED.with(|pool| {
            let mut pool = pool.borrow_mut();
            if POOL - pool.used < buf.len() {
                get_random_values(&mut pool.bytes);
                pool.used = 0;
            }
            let start = pool.used;
            buf.copy_from_slice(&pool.bytes[start..start + buf.len()]);
            // Wiped as handed out, so no byte given once stays readable in memory.
            pool.bytes[start..start + buf.len()].fill(0);
            pool.used += buf.len();
        });
    }
}

/// A JS value's property.
fn prop(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// What a rejected fetch means: the `cause.code` (Node) or `code` tells a
/// request that never left from one that may have arrived.
pub(super) fn failure(err: &JsValue, aborted: bool) -> TransportError {
    if aborted {
        return TransportError::Timeout;
    }
    // Deno without --allow-net refuses before anything is sent (NotCapable).
    if prop(err, "name").as_string().as_deref() == Some("NotCapable") {
        return TransportError::NotSent("NotCapable: no network permission".into());
    }
    let code = prop(&prop(err, "cause"), "code").as_string().or_else(|| prop(err, "code").as_string());
    let message = prop(err, "message").as_string().unwrap_or_else(|| "fetch failed".into());
    match code {
        Some(c) if NOT_SENT.contains(&c.as_str()) => TransportError::NotSent(c),
        Some(c) => TransportError::Dropped(c),
        None => TransportError::Dropped(message),
    }
}

thread_local! {
    /// The rejection handler of an `onRequest` that returns a Promise.
    static IGNORE: Closure<dyn FnMut(JsValue)> = Closure::new(|_| {});
}

/// Hands `record` to `config.onRequest`. Whatever the hook does (throws,
/// returns a rejected Promise) stays with it: the call goes on.
pub(crate) fn report(hook: &Function, record: &crate::client::RequestRecord) {
    let Ok(value) = crate::wasm::convert::to_js(record) else { return };
    if let Ok(ret) = hook.call1(&JsValue::UNDEFINED, &value) {
        if let Some(promise) = ret.dyn_ref::<Promise>() {
            IGNORE.with(|ignore| {
                let _ = promise.catch(ignore);
            });
        }
    }
}

fn describe(e: &JsValue) -> String {
    prop(e, "message").as_string().or_else(|| e.as_string()).unwrap_or_else(|| "it threw".into())
}

impl CodeStore for JsPlatform {
    fn has_store(&self) -> bool {
        self.store.is_some()
    }

    async fn incr(&self, key: &str, ttl_seconds: u64) -> Result<u64, String> {
        let store = self.store.as_ref().ok_or("no store")?;
        let v = store.incr(key, ttl_seconds).await.map_err(|e| describe(&e))?;
        match v.as_f64() {
            Some(n) if n >= 1.0 && n.fract() == 0.0 && n <= 9_007_199_254_740_991.0 => Ok(n as u64),
            _ => Err("incr(key, ttlSeconds) did not answer a count (a whole number from 1)".into()),
        }
    }
}
