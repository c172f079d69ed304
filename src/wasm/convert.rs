//! Values across the boundary: serde types go out as plain objects (the
//! core through JSON text, the on-demand module and the worker through
//! serde-wasm-bindgen) and come in through field.rs; errors become the
//! package's `EdgetextError` objects with a stable `code`.

use crate::Error;
use js_sys::{Array, Function, Reflect};
use serde::de::DeserializeOwned;
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
    let details = details(&e);
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

/// The fields of `e` besides its message, as the object `EdgetextError`
/// takes: what its `Serialize` writes, set one by one (no serializer linked
/// for it), with `null` for what it lacks.
pub(crate) fn details(e: &Error) -> JsValue {
    let object = js_sys::Object::new();
    let text = |v: Option<&str>| v.map_or(JsValue::NULL, JsValue::from_str);
    let number = |v: Option<f64>| v.map_or(JsValue::NULL, JsValue::from_f64);
    let fields = [
        ("code", JsValue::from_str(e.code.as_str())),
        ("provider", text(e.provider)),
        ("httpStatus", number(e.http_status.map(f64::from))),
        ("retryable", JsValue::from_bool(e.retryable)),
        ("providerMessage", text(e.provider_message.as_deref())),
        // Seconds of a Retry-After: far below 2^53, exact as a number.
        ("retryAfterSeconds", number(e.retry_after_seconds.map(|s| s as f64))),
    ];
    for (key, value) in fields {
        let _ = Reflect::set(&object, &JsValue::from_str(key), &value);
    }
    object.into()
}

/// A result as a JavaScript value, or its error thrown.
#[cfg(feature = "full")]
pub(crate) fn out<T: Serialize>(r: crate::Result<T>) -> Result<JsValue, JsValue> {
    let value = r.map_err(error_to_js)?;
    crate::wasm::convert::to_js(&value).map_err(|e| error_to_js(Error::input(e.to_string())))
}

/// A caller's JavaScript object, read as several structs, each from the
/// keys it names ([`Fields`](crate::core::codec::Fields)), as natively; the
/// caller has checked that no key is a field of none.
pub(crate) struct JsObject(pub JsValue);

impl crate::core::codec::Fields for JsObject {
    fn keys(&self) -> Vec<String> {
        js_sys::Object::keys(self.0.unchecked_ref::<js_sys::Object>()).iter().filter_map(|k| k.as_string()).collect()
    }

    fn read<T, S: for<'de> serde::de::DeserializeSeed<'de, Value = T> + Clone>(&self, names: &[&str], seed: S) -> Result<T, String> {
        let picked = js_sys::Object::new();
        for key in js_sys::Object::keys(self.0.unchecked_ref::<js_sys::Object>()).iter() {
            if key.as_string().is_some_and(|k| names.contains(&k.as_str())) {
                let _ = Reflect::set(&picked, &key, &Reflect::get(&self.0, &key).unwrap_or(JsValue::UNDEFINED));
            }
        }
        let picked = JsValue::from(picked);
        let read = |value: JsValue| crate::core::codec::read(super::field::Field(value), |d| seed.clone().deserialize(d));
        read(picked.clone()).map_err(|why| name_field(&picked, why, &|one| read(one).err()))
    }

    fn get<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, String> {
        match given(&self.0, key) {
            None => Ok(None),
            Some(value) => T::deserialize(super::field::Field(value)).map(Some).map_err(|why| about(key, why)),
        }
    }

    fn object(&self, key: &str, expected: &str) -> Result<Option<JsObject>, String> {
        let Some(value) = given(&self.0, key) else { return Ok(None) };
        if value.is_object() && !Array::is_array(&value) {
            return Ok(Some(JsObject(value)));
        }
        let mut text = None;
        Err(about(key, serde::de::Error::invalid_type(super::field::unexpected(&value, &mut text), &expected)))
    }
}

/// `object[key]`, unless it is undefined or null.
fn given(object: &JsValue, key: &str) -> Option<JsValue> {
    Some(super::prop(object, key)).filter(|v| !v.is_undefined() && !v.is_null())
}

/// A failed read of `key`, as `"key: why"`.
#[cold]
fn about(key: &str, why: super::field::Why) -> String {
    format!("{key}: {}", why.0)
}

/// `why`, prefixed with the field of `value` it is about when that field
/// alone fails `read_one` (the wasm reads without tracking paths).
fn name_field(value: &JsValue, why: String, read_one: &dyn Fn(JsValue) -> Option<String>) -> String {
    if why.starts_with("unknown field") || why.starts_with("missing field") {
        return why;
    }
    match super::failing_field(value, read_one) {
        Some(field) => format!("{field}: {why}"),
        None => why,
    }
}

/// `value` as a plain JavaScript value (objects, never `Map`s).
#[cfg(feature = "full")]
pub(crate) fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<wasm_bindgen::JsValue, serde_wasm_bindgen::Error> {
    value.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
}

/// `value` as a plain JavaScript value: the core writes its JSON text
/// and parses it once.
#[cfg(not(feature = "full"))]
pub(crate) fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<wasm_bindgen::JsValue, super::text::Unwritable> {
    super::text::to_value(value)
}
