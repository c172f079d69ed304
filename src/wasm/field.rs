//! One JavaScript value read as a serde type: a config field
//! ([`JsObject`](super::convert::JsObject)'s
//! [`Fields::get`](crate::core::codec::Fields::get)), a caller's message
//! or status id, a provider's parsed answer. It reads the value as
//! serde_json reads the same JSON, with serde's words for a wrong one, and
//! links no serde-wasm-bindgen: the core reads every value with this alone.
//! An object's key whose value is `undefined` counts as absent.

use core::fmt;
use std::borrow::Cow;
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
            Unexpected::Str(s) => {
                f.write_str("string ")?;
                crate::core::text::write_quoted(f, s)
            }
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

/// What a value is, as [`Field::deserialize_any`] hands it on: told apart
/// once, by code shared by every type read, so that each type's reader is
/// only its visitor's calls.
enum Kind {
    Text(String),
    /// A whole number, as serde_json reads one (and [`unexpected`] names it).
    Unsigned(u64),
    Signed(i64),
    Float(f64),
    Bool(bool),
    /// `undefined` or `null`.
    Unit,
    Seq(Array),
    Map(JsValue),
    Other(JsValue),
}

impl Kind {
    #[inline(never)]
    fn of(value: JsValue) -> Kind {
        if let Some(s) = value.as_string() {
            return Kind::Text(s);
        }
        if let Some(n) = value.as_f64() {
            return match unexpected(&value, &mut None) {
                Unexpected::Unsigned(u) => Kind::Unsigned(u),
                Unexpected::Signed(i) => Kind::Signed(i),
                _ => Kind::Float(n),
            };
        }
        match value.as_bool() {
            Some(b) => Kind::Bool(b),
            None if value.is_undefined() || value.is_null() => Kind::Unit,
            None if Array::is_array(&value) => Kind::Seq(value.unchecked_into()),
            None if value.is_object() => Kind::Map(value),
            None => Kind::Other(value),
        }
    }
}

impl<'de> de::Deserializer<'de> for Field {
    type Error = Why;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Why> {
        match Kind::of(self.0) {
            Kind::Text(s) => visitor.visit_string(s),
            Kind::Unsigned(u) => visitor.visit_u64(u),
            Kind::Signed(i) => visitor.visit_i64(i),
            Kind::Float(n) => visitor.visit_f64(n),
            Kind::Bool(b) => visitor.visit_bool(b),
            Kind::Unit => visitor.visit_unit(),
            Kind::Seq(items) => visitor.visit_seq(Items { len: items.length(), items, at: 0 }),
            Kind::Map(object) => visitor.visit_map(Entries::of(object)),
            Kind::Other(value) => Err(de::Error::invalid_type(unexpected(&value, &mut None), &visitor)),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(self, _: &'static str, fields: &'static [&'static str], visitor: V) -> Result<V::Value, Why> {
        if self.0.is_object() && !Array::is_array(&self.0) {
            visitor.visit_map(Named(Entries { object: self.0, keys: Keys::Named(fields), at: 0, value: JsValue::UNDEFINED }))
        } else {
            Err(de::Error::invalid_type(unexpected(&self.0, &mut None), &visitor))
        }
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Why> {
        if self.0.is_object() && !Array::is_array(&self.0) {
            visitor.visit_map(Entries::of(self.0))
        } else {
            Err(de::Error::invalid_type(unexpected(&self.0, &mut None), &visitor))
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _: &'static str, visitor: V) -> Result<V::Value, Why> {
        visitor.visit_newtype_struct(self)
    }

    // A value no field takes is skipped unread.
    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Why> {
        visitor.visit_unit()
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
        unit_struct seq tuple tuple_struct identifier
    }
}

/// An object's entries, read one at a time: its own enumerable keys, or
/// those a struct names (as serde-wasm-bindgen reads a struct: an answer's
/// other keys are never read, and the names cross once, [`key`]). A key
/// whose value is `undefined` is skipped. A struct's key is handed to its
/// visitor as the field's index in `fields`, which derived field visitors
/// take as they take its name: no name is matched back to its field.
struct Entries {
    object: JsValue,
    keys: Keys,
    at: u32,
    value: JsValue,
}

/// Which keys [`Entries`] takes.
enum Keys {
    Own(Array),
    Named(&'static [&'static str]),
}

impl Entries {
    fn of(object: JsValue) -> Entries {
        let keys = js_sys::Object::keys(object.unchecked_ref::<js_sys::Object>());
        Entries { keys: Keys::Own(keys), object, at: 0, value: JsValue::UNDEFINED }
    }

    /// The next key (an own key's name, a named one's index), its value
    /// kept for `next_value_seed` (one copy for every type read).
    #[inline(never)]
    fn advance(&mut self) -> Option<Result<u32, Cow<'static, str>>> {
        loop {
            let at = self.at;
            self.at += 1;
            let (key, value) = match &self.keys {
                Keys::Own(keys) if at < keys.length() => {
                    let key = keys.get(at);
                    (Err(Cow::Owned(key.as_string().unwrap_or_default())), js_sys::Reflect::get(&self.object, &key))
                }
                Keys::Named(names) if (at as usize) < names.len() => {
                    let name = names[at as usize];
                    (Ok(at), key(name, |key| js_sys::Reflect::get(&self.object, key)))
                }
                _ => return None,
            };
            self.value = value.unwrap_or(JsValue::UNDEFINED);
            if !self.value.is_undefined() {
                return Some(key);
            }
        }
    }
}

impl<'de> de::MapAccess<'de> for Entries {
    type Error = Why;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Why> {
        match self.advance() {
            Some(Err(key)) => seed.deserialize(de::value::CowStrDeserializer::<Why>::new(key)).map(Some),
            _ => Ok(None),
        }
    }

    fn next_value_seed<S: de::DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, Why> {
        seed.deserialize(Field(core::mem::take(&mut self.value)))
    }
}

/// A struct's [`Entries`] (its named keys), a map access of its own so that
/// a struct's visitor is built only for keys given as indices.
struct Named(Entries);

impl<'de> de::MapAccess<'de> for Named {
    type Error = Why;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Why> {
        match self.0.advance() {
            Some(Ok(index)) => seed.deserialize(de::value::U32Deserializer::<Why>::new(index)).map(Some),
            _ => Ok(None),
        }
    }

    fn next_value_seed<S: de::DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, Why> {
        self.0.next_value_seed(seed)
    }
}

thread_local! {
    /// Field names as JavaScript strings, made on first use.
    static KEYS: core::cell::RefCell<Vec<(&'static str, JsValue)>> = const { core::cell::RefCell::new(Vec::new()) };
}

/// `use_key` of `name` as a JavaScript string, made once per name.
fn key<T>(name: &'static str, use_key: impl FnOnce(&JsValue) -> T) -> T {
    KEYS.with(|keys| {
        let mut keys = keys.borrow_mut();
        let at = match keys.iter().position(|(known, _)| core::ptr::eq(*known, name)) {
            Some(at) => at,
            None => {
                keys.push((name, JsValue::from_str(name)));
                keys.len() - 1
            }
        };
        use_key(&keys[at].1)
    })
}

/// A caller's argument: as [`Field`], but a struct with a key it does
/// not name is refused by that key (`deny_unknown_fields`), before any
/// field is read.
pub(crate) struct Checked(pub JsValue);

impl<'de> de::Deserializer<'de> for Checked {
    type Error = Why;

    fn deserialize_struct<V: Visitor<'de>>(self, name: &'static str, fields: &'static [&'static str], visitor: V) -> Result<V::Value, Why> {
        named_only(&self.0, fields)?;
        Field(self.0).deserialize_struct(name, fields, visitor)
    }

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Why> {
        Field(self.0).deserialize_any(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Why> {
        Field(self.0).deserialize_option(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(self, name: &'static str, variants: &'static [&'static str], visitor: V) -> Result<V::Value, Why> {
        Field(self.0).deserialize_enum(name, variants, visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, name: &'static str, visitor: V) -> Result<V::Value, Why> {
        Field(self.0).deserialize_newtype_struct(name, visitor)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit
        unit_struct seq tuple tuple_struct map identifier ignored_any
    }
}

/// Refuses an object's first key that is none of `fields`.
#[inline(never)]
fn named_only(value: &JsValue, fields: &'static [&'static str]) -> Result<(), Why> {
    if value.is_object() && !Array::is_array(value) {
        for key in js_sys::Object::keys(value.unchecked_ref::<js_sys::Object>()).iter() {
            let key = key.as_string().unwrap_or_default();
            if !fields.contains(&key.as_str()) {
                return Err(de::Error::unknown_field(&key, fields));
            }
        }
    }
    Ok(())
}

/// An array's items.
struct Items {
    items: Array,
    at: u32,
    len: u32,
}

impl<'de> de::SeqAccess<'de> for Items {
    type Error = Why;

    fn next_element_seed<T: de::DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Why> {
        if self.at >= self.len {
            return Ok(None);
        }
        self.at += 1;
        seed.deserialize(Field(self.items.get(self.at - 1))).map(Some)
    }
}

/// The value written back as it is: JSON's kinds, an object's keys in
/// `Object.keys` order (a kept answer in a written result).
#[cfg(any(test, not(feature = "full")))]
impl serde::Serialize for Field {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        let value = &self.0;
        if let Some(text) = value.as_string() {
            return s.serialize_str(&text);
        }
        if let Some(b) = value.as_bool() {
            return s.serialize_bool(b);
        }
        if let Some(n) = value.as_f64() {
            return match unexpected(value, &mut None) {
                Unexpected::Unsigned(u) => s.serialize_u64(u),
                Unexpected::Signed(i) => s.serialize_i64(i),
                _ => s.serialize_f64(n),
            };
        }
        if Array::is_array(value) {
            let items: &Array = value.unchecked_ref();
            let mut seq = s.serialize_seq(Some(items.length() as usize))?;
            for item in items.iter() {
                seq.serialize_element(&Field(item))?;
            }
            return seq.end();
        }
        if value.is_object() {
            let keys = js_sys::Object::keys(value.unchecked_ref::<js_sys::Object>());
            let mut map = s.serialize_map(Some(keys.length() as usize))?;
            for key in keys.iter() {
                let item = js_sys::Reflect::get(value, &key).unwrap_or(JsValue::UNDEFINED);
                if !item.is_undefined() {
                    map.serialize_entry(&key.as_string().unwrap_or_default(), &Field(item))?;
                }
            }
            return map.end();
        }
        s.serialize_unit()
    }
}
