//! `memoryStore()`: a signed-code store in this process's memory, with the
//! Workers KV shape (`get`, `put` with `expirationTtl`), for one process and tests.

use std::cell::RefCell;
use wasm_bindgen::prelude::*;

/// A store kept in memory; entries vanish after their `expirationTtl`.
#[wasm_bindgen]
pub struct MemoryStore {
    // A few entries per process: a list is smaller in the wasm than a hash map.
    entries: RefCell<Vec<(String, String, f64)>>,
}

#[wasm_bindgen]
impl MemoryStore {
    /// The value under `key`, or `null` when absent or expired.
    pub fn get(&self, key: &str) -> Option<String> {
        let now = js_sys::Date::now();
        let mut entries = self.entries.borrow_mut();
        entries.retain(|(_, _, until)| *until > now);
        entries.iter().find(|(k, ..)| k == key).map(|(_, v, _)| v.clone())
    }

    /// Keeps `value` under `key` for `options.expirationTtl` seconds (default: a day).
    pub fn put(
        &self,
        key: String,
        value: String,
        #[wasm_bindgen(unchecked_optional_param_type = "{ expirationTtl?: number }")] options: Option<js_sys::Object>,
    ) {
        let ttl = options
            .map(|o| js_sys::Reflect::get(&o, &JsValue::from_str("expirationTtl")).unwrap_or(JsValue::UNDEFINED))
            .and_then(|v| v.as_f64())
            .filter(|t| *t > 0.0)
            .unwrap_or(86_400.0);
        let until = js_sys::Date::now() + ttl * 1000.0;
        let mut entries = self.entries.borrow_mut();
        match entries.iter_mut().find(|(k, ..)| *k == key) {
            Some(e) => *e = (key, value, until),
            None => entries.push((key, value, until)),
        }
    }
}

/// A new, empty [`MemoryStore`] for `config.otp.store`.
#[wasm_bindgen(js_name = memoryStore)]
pub fn memory_store() -> MemoryStore {
    MemoryStore { entries: RefCell::new(Vec::new()) }
}
