//! `config.otp.store`, where signed-code checks are counted with the one
//! atomic operation the client asks for, `incr(key, ttlSeconds)`:
//! `memoryStore()` in this process's memory (one process, tests), a
//! Cloudflare D1 database binding (a fleet of Workers), or the app's own.
//! The rule and the SQL are the core's (`src/client/signed.rs`).

use super::prop;
use crate::client::{D1_INCR, D1_SCHEMA, D1_SWEEP};
use js_sys::{Array, Function, Promise};
use std::cell::Cell;
#[cfg(feature = "full")]
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// Counts kept in memory; each vanishes after its time to live.
#[cfg(feature = "full")]
#[wasm_bindgen]
pub struct MemoryStore {
    // A few entries per process: a list is smaller in the wasm than a hash map.
    entries: RefCell<Vec<(String, f64, f64)>>,
}

#[cfg(feature = "full")]
#[wasm_bindgen]
impl MemoryStore {
    /// Adds one to the count under `key` and returns it: 1 for a new key or
    /// one whose time ran out, which then lives `ttlSeconds` (at least 1).
    /// Synchronous, so that no two increments can interleave.
    pub fn incr(&self, key: &str, #[wasm_bindgen(js_name = ttlSeconds)] ttl_seconds: f64) -> f64 {
        let now = js_sys::Date::now();
        let mut entries = self.entries.borrow_mut();
        entries.retain(|(_, _, until)| *until > now);
        if let Some(entry) = entries.iter_mut().find(|(k, ..)| k == key) {
            entry.1 += 1.0;
            return entry.1;
        }
        entries.push((key.to_string(), 1.0, now + ttl_seconds.max(1.0) * 1000.0));
        1.0
    }
}

/// A new, empty [`MemoryStore`] for `config.otp.store`: counts checks in
/// this process only.
#[cfg(feature = "full")]
#[wasm_bindgen(js_name = memoryStore)]
pub fn memory_store() -> MemoryStore {
    MemoryStore { entries: RefCell::new(Vec::new()) }
}

/// `config.otp.store`: an object whose `incr(key, ttlSeconds)` counts in
/// one step (`memoryStore()`, or the app's own), or a Cloudflare D1 database
/// binding, where each increment is one upsert that SQLite performs in one
/// step, in the table `edgetext_otp_checks` (made by the first increment,
/// which also deletes the counts whose time ran out).
pub(crate) enum SignedCodeStore {
    /// An object with `incr`.
    Incr(JsValue),
    /// A D1 binding, and whether its table is known to exist.
    D1 { db: JsValue, ready: Cell<bool> },
}

impl SignedCodeStore {
    /// The store `value` is, or why it is none (a get/put store cannot count atomically).
    pub(crate) fn new(value: JsValue) -> Result<SignedCodeStore, &'static str> {
        if prop(&value, "incr").is_function() {
            return Ok(SignedCodeStore::Incr(value));
        }
        if prop(&value, "prepare").is_function() && prop(&value, "batch").is_function() {
            return Ok(SignedCodeStore::D1 { db: value, ready: Cell::new(false) });
        }
        Err("config.otp.store must have an incr(key, ttlSeconds) method that counts in one step, or be a D1 database binding: a get/put store such as Workers KV cannot count checks atomically (use memoryStore(), env.DB, or config.otpUrl)")
    }

    /// Adds one to the count under `key` and answers it.
    pub(crate) async fn incr(&self, key: &str, ttl_seconds: u64) -> Result<JsValue, JsValue> {
        let ttl = JsValue::from_f64(ttl_seconds as f64);
        let (db, ready) = match self {
            SignedCodeStore::Incr(store) => return awaited(call(store, "incr", &[JsValue::from_str(key), ttl])?).await,
            SignedCodeStore::D1 { db, ready } => (db, ready),
        };
        let now = JsValue::from_f64(js_sys::Date::now());
        let ttl_ms = JsValue::from_f64(ttl_seconds as f64 * 1000.0);
        let incr = statement(db, D1_INCR, &[JsValue::from_str(key), now.clone(), ttl_ms])?;
        if ready.get() {
            return awaited(call(&incr, "first", &[JsValue::from_str("count")])?).await;
        }
        let batch = Array::new();
        for sql in D1_SCHEMA {
            batch.push(&statement(db, sql, &[])?);
        }
        batch.push(&statement(db, D1_SWEEP, &[now])?);
        batch.push(&incr);
        let results = awaited(call(db, "batch", &[batch.into()])?).await?;
        ready.set(true);
        let last: Array = prop(&Array::from(&results).pop(), "results").unchecked_into();
        Ok(prop(&last.get(0), "count"))
    }
}

/// `value`, awaited if it is a Promise.
async fn awaited(value: JsValue) -> Result<JsValue, JsValue> {
    JsFuture::from(Promise::resolve(&value)).await
}

/// `db.prepare(sql).bind(...binds)`.
fn statement(db: &JsValue, sql: &str, binds: &[JsValue]) -> Result<JsValue, JsValue> {
    let prepared = call(db, "prepare", &[JsValue::from_str(sql)])?;
    if binds.is_empty() {
        return Ok(prepared);
    }
    call(&prepared, "bind", binds)
}

/// `target[method](...args)`.
fn call(target: &JsValue, method: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
    let f: Function = prop(target, method).dyn_into()?;
    f.apply(target, &args.iter().collect())
}
