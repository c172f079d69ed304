//! Values across the boundary: JS objects go in as `JSON.stringify` text and
//! results come out through `JSON.parse`, so the JS engine does the JSON
//! work; errors become `EdgetextError` objects with a stable `code`.

use crate::{Error, ErrorCode};
use js_sys::{Array, Function, Reflect, JSON};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

thread_local! {
    static ERROR_CLASS: RefCell<Option<Function>> = const { RefCell::new(None) };
}

/// Called once by the package's entry file with its `EdgetextError` class,
/// so that errors from Rust are instances of the class users import.
#[wasm_bindgen(js_name = "__setErrorClass", skip_typescript)]
pub fn set_error_class(ctor: Function) {
    ERROR_CLASS.with(|c| *c.borrow_mut() = Some(ctor));
}

/// An [`Error`] as a thrown JavaScript value.
pub(crate) fn error_to_js(e: Error) -> JsValue {
    let details = crate::error_details_json(&e);
    let details = JSON::parse(&details).unwrap_or(JsValue::NULL);
    let message = JsValue::from_str(&e.message);
    let class = ERROR_CLASS.with(|c| c.borrow().clone());
    if let Some(ctor) = class {
        if let Ok(err) = Reflect::construct(&ctor, &Array::of2(&message, &details)) {
            return err;
        }
    }
    let err = js_sys::Error::new(&e.message);
    err.set_name("EdgetextError");
    let _ = js_sys::Object::assign(err.as_ref(), details.unchecked_ref());
    err.into()
}

/// An argument object as JSON text, or `invalid_input` naming it.
pub(crate) fn arg_json(value: &JsValue, what: &str) -> Result<String, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok("null".into());
    }
    JSON::stringify(value)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| error_to_js(Error::new(ErrorCode::InvalidInput, format!("{what} cannot be turned into JSON"))))
}

/// JSON text from the core as a JS value.
pub(crate) fn from_json(text: &str) -> Result<JsValue, JsValue> {
    JSON::parse(text).map_err(|_| error_to_js(Error::new(ErrorCode::ProviderRejected, "answer is not JSON")))
}
