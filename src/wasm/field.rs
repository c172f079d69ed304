//! One JavaScript value read as the type of a config field (a string, a
//! whole number, a unit-variant enum, or an option of one), for the config
//! read field by field ([`JsObject`](super::convert::JsObject)'s
//! [`Fields::get`](crate::core::codec::Fields::get)). It reads the value as
//! serde_json reads the same JSON, with serde's words for a wrong one, and
//! links no serde-wasm-bindgen: the core reads its config with this alone.

use core::fmt;
use js_sys::{Array, Number};
use serde::de::{self, IntoDeserializer, Unexpected, Visitor};
use wasm_bindgen::prelude::*;

/// A field's value, read once.
pub(crate) struct Field(pub JsValue);

/// Why a field's value is not of its type, in serde's words.
#[derive(Debug)]
pub(crate) struct Why(pub String);

impl fmt::Display for Why {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Why {}

impl de::Error for Why {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Why(msg.to_string())
    }

    // serde's defaults print `Unexpected` through its `Display`, whose float
    // arm links core's float formatting: the same words, from `Shown`.
    #[cold]
    fn invalid_type(unexp: Unexpected, exp: &dyn de::Expected) -> Self {
        Why(format!("invalid type: {}, expected {exp}", Shown(unexp)))
    }

    #[cold]
    fn invalid_value(unexp: Unexpected, exp: &dyn de::Expected) -> Self {
        Why(format!("invalid value: {}, expected {exp}", Shown(unexp)))
    }
}

#[wasm_bindgen]
extern "C" {
    /// `String(n)`: JavaScript's shortest digits of a number.
    #[wasm_bindgen(js_name = String)]
    fn number_text(n: f64) -> String;
}

/// An `Unexpected` as serde prints it. A float's digits are JavaScript's,
/// with serde's `.0` on one without a point; they differ from Rust's only
/// for the exponent forms (from 1e21, below 1e-6), which a config value
/// reaches only when it is far out of range anyway.
struct Shown<'a>(Unexpected<'a>);

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Unexpected::Bool(b) => write!(f, "boolean `{b}`"),
            Unexpected::Unsigned(i) => write!(f, "integer `{i}`"),
            Unexpected::Signed(i) => write!(f, "integer `{i}`"),
            Unexpected::Float(n) => {
                let digits = number_text(n);
                let point = if digits.bytes().all(|b| b.is_ascii_digit() || b == b'-') { ".0" } else { "" };
                write!(f, "floating point `{digits}{point}`")
            }
            Unexpected::Str(s) => write!(f, "string {s:?}"),
            Unexpected::Unit => f.write_str("unit value"),
            Unexpected::Seq => f.write_str("sequence"),
            Unexpected::Map => f.write_str("map"),
            Unexpected::Other(other) => f.write_str(other),
            _ => f.write_str("value"),
        }
    }
}

/// What `value` is, as serde names it where it did not expect it; `text`
/// keeps the words it borrows.
pub(crate) fn unexpected<'a>(value: &JsValue, text: &'a mut Option<String>) -> Unexpected<'a> {
    if let Some(b) = value.as_bool() {
        return Unexpected::Bool(b);
    }
    if let Some(n) = value.as_f64() {
        return match (Number::is_safe_integer(value), n < 0.0) {
            (true, false) => Unexpected::Unsigned(n as u64),
            (true, true) => Unexpected::Signed(n as i64),
            _ => Unexpected::Float(n),
        };
    }
    if value.is_undefined() || value.is_null() {
        return Unexpected::Unit;
    }
    if Array::is_array(value) {
        return Unexpected::Seq;
    }
    if value.is_object() {
        return Unexpected::Map;
    }
    let is_string = value.is_string();
    *text = if is_string { value.as_string() } else { value.js_typeof().as_string() };
    let text = text.as_deref().unwrap_or_default();
    if is_string {
        Unexpected::Str(text)
    } else {
        Unexpected::Other(text)
    }
}

impl<'de> de::Deserializer<'de> for Field {
    type Error = Why;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Why> {
        let value = self.0;
        if let Some(s) = value.as_string() {
            return visitor.visit_string(s);
        }
        if let Some(n) = value.as_f64() {
            // A whole number as serde_json reads one (and `unexpected` names it).
            return match unexpected(&value, &mut None) {
                Unexpected::Unsigned(u) => visitor.visit_u64(u),
                Unexpected::Signed(i) => visitor.visit_i64(i),
                _ => visitor.visit_f64(n),
            };
        }
        match value.as_bool() {
            Some(b) => visitor.visit_bool(b),
            None if value.is_undefined() || value.is_null() => visitor.visit_unit(),
            None => Err(de::Error::invalid_type(unexpected(&value, &mut None), &visitor)),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Why> {
        if self.0.is_undefined() || self.0.is_null() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(self, _: &'static str, _: &'static [&'static str], visitor: V) -> Result<V::Value, Why> {
        match self.0.as_string() {
            Some(variant) => visitor.visit_enum(variant.into_deserializer()),
            None => self.deserialize_any(visitor),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit
        unit_struct newtype_struct seq tuple tuple_struct map struct identifier ignored_any
    }
}
