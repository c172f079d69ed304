//! The platform in JavaScript: `Date.now()` and `crypto.getRandomValues()`,
//! both globals in Node, browsers and workerd. (I/O is the JS driver's.)

use crate::{Clock, Random};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = crypto, js_name = getRandomValues)]
    fn get_random_values(buf: &mut [u8]);
}

/// The JavaScript platform: stateless.
pub(crate) struct JsPlatform;

impl Clock for JsPlatform {
    fn now_ms(&self) -> u64 {
        js_sys::Date::now() as u64
    }
}

impl Random for JsPlatform {
    fn fill(&self, buf: &mut [u8]) {
        get_random_values(buf);
    }
}
