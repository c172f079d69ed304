//! The platform in JavaScript: `Date.now()` and `crypto.getRandomValues()`,
//! both globals in Node, browsers and workerd. (I/O is the JS driver's.)

use crate::{Clock, Random};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = crypto, js_name = getRandomValues)]
    fn get_random_values(buf: &mut [u8]);
}

/// Bytes fetched from `crypto.getRandomValues` per call. Node answers each
/// call through a synchronous trip into OpenSSL that cost about a quarter of
/// a send's time in the core; one call per 512 bytes (Node's `randomUUID`
/// pools the same way) makes it negligible. Each byte is handed out once.
const POOL: usize = 512;

struct Pool {
    bytes: [u8; POOL],
    used: usize,
}

thread_local! {
    static POOLED: RefCell<Pool> = const { RefCell::new(Pool { bytes: [0; POOL], used: POOL }) };
}

/// The JavaScript platform: stateless apart from the random pool.
pub(crate) struct JsPlatform;

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
