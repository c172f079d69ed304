//! Values across the boundary: serde types go out as plain objects through
//! serde-wasm-bindgen and come in the same way; errors become the package's
//! `EdgetextError` objects with a stable `code`.

use crate::Error;
use js_sys::{Array, Function, Reflect};
use serde::Serialize;
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
    let details = crate::codec::to_js(&e).unwrap_or(JsValue::NULL);
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

/// A result as a JavaScript value, or its error thrown.
pub(crate) fn out<T: Serialize>(r: crate::Result<T>) -> Result<JsValue, JsValue> {
    let value = r.map_err(error_to_js)?;
    crate::codec::to_js(&value).map_err(|e| error_to_js(Error::input(e.to_string())))
}

