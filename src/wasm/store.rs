//! `memoryStore()`: a signed-code store in this process's memory, with the
//! Workers KV shape (`get`, `put` with `expirationTtl`), for one process and tests.

use std::cell::RefCell;
use std::collections::HashMap;
use wasm_bindgen::prelude::*;

/// A store kept in memory; entries vanish after their `expirationTtl`.
#[wasm_bindgen]
pub struct MemoryStore {
    entries: RefCell<HashMap<String, (String, f64)>>,
}

#[wasm_bindgen]
impl MemoryStore {
    /// The value under `key`, or `null` when absent or expired.
    pub fn get(&self, key: &str) -> Option<String> {
        let now = js_sys::Date::now();
        let mut entries = self.entries.borrow_mut();
        entries.retain(|_, (_, until)| *until > now);
        entries.get(key).map(|(v, _)| v.clone())
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
        self.entries.borrow_mut().insert(key, (value, js_sys::Date::now() + ttl * 1000.0));
    }
}

/// A new, empty [`MemoryStore`] for `config.otp.store`.
#[wasm_bindgen(js_name = memoryStore)]
pub fn memory_store() -> MemoryStore {
    MemoryStore { entries: RefCell::new(HashMap::new()) }
}
