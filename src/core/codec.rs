//! JSON text to and from serde values. Natively this is serde_json; in the
//! wasm text is read by the platform's own `JSON.parse` (then
//! src/wasm/field.rs) and written by src/wasm/text.rs (the on-demand
//! module through serde-wasm-bindgen and `JSON.stringify`),
//! so no JSON parser is compiled into it.
//!
//! Both keep a struct's fields in declaration order, which is how the
//! providers' wire bodies keep the order of their documents. Untyped nesting
//! is never walked: a typed read skips what it does not name, and serde_json
//! stops at 128 levels.

use serde::de::{DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserializer, Serialize, Serializer};

/// Reads JSON text as `T`; the error says what was wrong and, through
/// serde_path_to_error, at which field (`"to: invalid type: integer …"`).
pub(crate) fn from_json<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    imp::from_json(text)
}

/// Reads JSON text as `T`, refusing a key `T` does not name when `T` is
/// `deny_unknown_fields` (serde_json applies it natively; in the wasm
/// field.rs's `Checked` does, as for a caller's argument). One read.
#[cfg_attr(not(feature = "worker"), allow(dead_code))] // the worker build's alone
pub(crate) fn from_json_checked<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    imp::from_json_checked(text)
}

/// `T::deserialize(d)` as a function of its own: read apart from the code
/// that picks the type, V8 compiles (lazily, on first call) only the types
/// a call reads, not every type of the match around it.
#[inline(never)]
pub(crate) fn de<'de, T: serde::Deserialize<'de>, D: Deserializer<'de>>(d: D) -> Result<T, D::Error> {
    T::deserialize(d)
}

/// Writes `value` as compact JSON text.
pub(crate) fn to_json<T: Serialize + ?Sized>(value: &T) -> String {
    imp::to_json(value)
}

/// Runs `read` on `d`; natively with the path of each field tracked, so
/// that an error names the failing field (`"to: invalid type: integer …"`).
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn read<'de, D: Deserializer<'de>, T>(
    d: D,
    read: impl FnOnce(serde_path_to_error::Deserializer<'_, '_, D>) -> Result<T, D::Error>,
) -> Result<T, String> {
    let mut track = serde_path_to_error::Track::new();
    read(serde_path_to_error::Deserializer::new(d, &mut track)).map_err(|e| {
        let path = track.path().to_string();
        if path == "." || path.is_empty() {
            e.to_string()
        } else {
            format!("{path}: {e}")
        }
    })
}

/// Runs `read` on `d`. In the wasm, tracking the path would double the
/// code of every deserialiser (58 KB); the field is named by its value instead.
#[cfg(target_arch = "wasm32")]
pub(crate) fn read<'de, D: Deserializer<'de>, T>(d: D, read: impl FnOnce(D) -> Result<T, D::Error>) -> Result<T, String> {
    read(d).map_err(|e| {
        // serde-wasm-bindgen's errors print as "Error: …".
        let text = e.to_string();
        text.strip_prefix("Error: ").map(str::to_string).unwrap_or(text)
    })
}

/// The names of the fields a struct's derived `Deserialize` reads (what it
/// hands `deserialize_struct`), so that a field is named once, on its
/// struct; empty for anything that is not a struct.
pub(crate) fn field_names<'de, S: DeserializeSeed<'de>>(seed: S) -> &'static [&'static str] {
    match seed.deserialize(FieldNames) {
        Err(Found(Some(fields))) => fields,
        _ => &[],
    }
}

/// A deserializer that only answers which fields a struct asks for.
struct FieldNames;

#[derive(Debug)]
struct Found(Option<&'static [&'static str]>);

impl core::fmt::Display for Found {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("not a struct")
    }
}

impl std::error::Error for Found {}

impl serde::de::Error for Found {
    fn custom<T: core::fmt::Display>(_: T) -> Self {
        Found(None)
    }
}

impl<'de> Deserializer<'de> for FieldNames {
    type Error = Found;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Found> {
        Err(Found(None))
    }

    fn deserialize_struct<V: Visitor<'de>>(self, _: &'static str, fields: &'static [&'static str], _: V) -> Result<V::Value, Found> {
        Err(Found(Some(fields)))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
        unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
    }
}

/// A caller's object read as several structs, each from the keys it names:
/// natively a JSON object, in the wasm a JavaScript object.
pub(crate) trait Fields {
    /// The object's own keys.
    fn keys(&self) -> Vec<String>;
    /// Reads `seed`'s value from the object's `names` keys only; the error
    /// names the failing field (`"to: invalid type: …"`).
    fn read<T, S: for<'de> DeserializeSeed<'de, Value = T> + Clone>(&self, names: &[&str], seed: S) -> Result<T, String>;
    /// The value of `key` as `T`, `None` when it is absent or null: one
    /// field read on its own, so that a reader instantiates the code of its
    /// fields' types, not of a whole struct. The error starts with the key
    /// (`"timeoutMs: invalid type: …"`).
    fn get<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, String>;
    /// The object under `key`, `None` when it is absent or null; for any
    /// other value, the error serde gives where it `expected` a struct.
    fn object(&self, key: &str, expected: &str) -> Result<Option<Self>, String>
    where
        Self: Sized;
}

/// A JSON object, read by its keys.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) struct JsonObject(pub serde_json::Map<String, serde_json::Value>);

#[cfg(not(target_arch = "wasm32"))]
impl JsonObject {
    /// The object `text` holds, or why it is none (`"{what} must be an
    /// object"`, or the JSON error after `"{what}: "`).
    pub(crate) fn parse(text: &str, what: &str) -> Result<JsonObject, String> {
        match serde_json::from_str(text).map_err(|e| format!("{what}: {e}"))? {
            serde_json::Value::Object(map) => Ok(JsonObject(map)),
            _ => Err(format!("{what} must be an object")),
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
impl Fields for JsonObject {
    fn keys(&self) -> Vec<String> {
        self.0.keys().cloned().collect()
    }

    fn read<T, S: for<'de> DeserializeSeed<'de, Value = T> + Clone>(&self, names: &[&str], seed: S) -> Result<T, String> {
        let picked = self.0.iter().filter(|(k, _)| names.contains(&k.as_str())).map(|(k, v)| (k.clone(), v.clone())).collect();
        read(serde_json::Value::Object(picked), |d| seed.deserialize(d))
    }

    fn get<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, String> {
        match self.0.get(key) {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(v) => T::deserialize(v).map(Some).map_err(|e| format!("{key}: {e}")),
        }
    }

    fn object(&self, key: &str, expected: &str) -> Result<Option<JsonObject>, String> {
        use serde::de::{Error, Unexpected};
        use serde_json::Value;
        let unexpected = match self.0.get(key) {
            None | Some(Value::Null) => return Ok(None),
            Some(Value::Object(map)) => return Ok(Some(JsonObject(map.clone()))),
            Some(Value::Bool(b)) => Unexpected::Bool(*b),
            Some(Value::Number(n)) => match (n.as_u64(), n.as_i64()) {
                (Some(u), _) => Unexpected::Unsigned(u),
                (_, Some(i)) => Unexpected::Signed(i),
                _ => Unexpected::Float(n.as_f64().unwrap_or_default()),
            },
            Some(Value::String(s)) => Unexpected::Str(s),
            Some(Value::Array(_)) => Unexpected::Seq,
        };
        Err(format!("{key}: {}", serde_json::Error::invalid_type(unexpected, &expected)))
    }
}

/// JSON text passed through unchanged, such as a provider's answer in a
/// receipt's `raw`. It serialises as the value the text holds (`null` when
/// empty, a string when it is not JSON).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RawJson(pub String);

impl RawJson {
    /// The JSON text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Serialize for RawJson {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.0.trim().is_empty() {
            return s.serialize_none();
        }
        imp::serialize_raw(&self.0, s)
    }
}

/// `text`'s JSON object without its members named `key`, as compact JSON
/// text (a webhook body as stored); an error when it is not a JSON object.
#[cfg(target_arch = "wasm32")]
#[cfg_attr(not(feature = "worker"), allow(dead_code))] // the worker build's alone
pub(crate) fn object_without(text: &str, key: &str) -> Result<String, String> {
    imp::object_without(text, key)
}

/// A [`RawJson`] as the value its serialisation gives: `None` for `null`
/// (when empty), the value its text holds, else the text. The answer's text
/// was parsed when it was read, so this parses nothing again.
#[cfg(target_arch = "wasm32")]
pub(crate) fn raw_value(raw: &RawJson) -> Option<wasm_bindgen::JsValue> {
    if raw.0.trim().is_empty() {
        return None;
    }
    Some(imp::parse(&raw.0, true).unwrap_or_else(|_| wasm_bindgen::JsValue::from_str(&raw.0)))
}

/// A field read leniently from an answer we do not control: its value when it
/// is a string (or a bool for [`opt_bool`]), `None` for any other type, which
/// is skipped without being walked.
pub(crate) fn opt_str<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    d.deserialize_any(Lenient::<String>(core::marker::PhantomData))
}

/// See [`opt_str`].
pub(crate) fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    d.deserialize_any(Lenient::<bool>(core::marker::PhantomData))
}

/// See [`opt_str`]: a non-negative integer.
pub(crate) fn opt_u64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    d.deserialize_any(Lenient::<u64>(core::marker::PhantomData))
}

struct Lenient<T>(core::marker::PhantomData<T>);

/// What a lenient read keeps from each JSON scalar.
trait Pick: Sized {
    fn from_str(_: &str) -> Option<Self> {
        None
    }
    fn from_bool(_: bool) -> Option<Self> {
        None
    }
    fn from_f64(_: f64) -> Option<Self> {
        None
    }
}
impl Pick for String {
    fn from_str(s: &str) -> Option<Self> {
        Some(s.to_string())
    }
}
impl Pick for bool {
    fn from_bool(b: bool) -> Option<Self> {
        Some(b)
    }
}
impl Pick for u64 {
    fn from_f64(f: f64) -> Option<Self> {
        (f >= 0.0 && f.fract() == 0.0 && f < 9.0e15).then_some(f as u64)
    }
}

impl<'de, T: Pick> Visitor<'de> for Lenient<T> {
    type Value = Option<T>;
    fn expecting(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(T::from_str(v))
    }
    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(T::from_bool(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(T::from_f64(v as f64))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(T::from_f64(v as f64))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(T::from_f64(v))
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(None)
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod imp {
    use super::*;

    pub(super) fn from_json<T: DeserializeOwned>(text: &str) -> Result<T, String> {
        let mut de = serde_json::Deserializer::from_str(text);
        let value = read(&mut de, |d| T::deserialize(d))?;
        de.end().map_err(|e| e.to_string())?;
        Ok(value)
    }

    #[cfg_attr(not(feature = "worker"), allow(dead_code))] // the worker build's alone
    pub(super) fn from_json_checked<T: DeserializeOwned>(text: &str) -> Result<T, String> {
        from_json(text)
    }

    pub(super) fn to_json<T: Serialize + ?Sized>(value: &T) -> String {
        // Serialising our own types to a String cannot fail: no map has non-string keys.
        serde_json::to_string(value).unwrap_or_default()
    }

    pub(super) fn serialize_raw<S: Serializer>(text: &str, s: S) -> Result<S::Ok, S::Error> {
        match serde_json::from_str::<&serde_json::value::RawValue>(text) {
            Ok(raw) => raw.serialize(s),
            Err(_) => s.serialize_str(text),
        }
    }
}

#[cfg(target_arch = "wasm32")]
mod imp {
    use super::*;
    use js_sys::JSON;

    thread_local! {
        /// The last text parsed and its value: an answer is read two or
        /// three times (its error fields, its typed fields, the receipt's
        /// `raw`), and each `JSON.parse` is a trip out of the wasm.
        static LAST: core::cell::RefCell<Option<(String, wasm_bindgen::JsValue)>> = const { core::cell::RefCell::new(None) };
    }

    /// `text` parsed by `JSON.parse`, or the value of the same text parsed
    /// just before. `take` hands the value out and forgets it (it leaves the
    /// wasm, where the caller may change it); otherwise it is kept for the next read.
    pub(super) fn parse(text: &str, take: bool) -> Result<wasm_bindgen::JsValue, wasm_bindgen::JsValue> {
        LAST.with(|last| {
            let mut last = last.borrow_mut();
            let hit = matches!(&*last, Some((t, _)) if t == text);
            let value = match (hit, take) {
                (true, true) => return Ok(last.take().map(|(_, v)| v).unwrap_or_default()),
                (true, false) => return Ok(last.as_ref().map(|(_, v)| v.clone()).unwrap_or_default()),
                _ => JSON::parse(text)?,
            };
            *last = (!take).then(|| (text.to_string(), value.clone()));
            Ok(value)
        })
    }

    pub(super) fn from_json<T: DeserializeOwned>(text: &str) -> Result<T, String> {
        let value = parse(text, false).map_err(|_| "not JSON".to_string())?;
        read(crate::wasm::field::Field(value), |d| T::deserialize(d))
    }

    #[cfg_attr(not(feature = "worker"), allow(dead_code))] // the worker build's alone
    pub(super) fn from_json_checked<T: DeserializeOwned>(text: &str) -> Result<T, String> {
        let value = parse(text, false).map_err(|_| "not JSON".to_string())?;
        read(crate::wasm::field::Checked(value), |d| T::deserialize(d))
    }

    /// `text`'s JSON object without its members named `key`, as compact
    /// JSON text: parsed and written by the platform, nothing walked.
    #[cfg_attr(not(feature = "worker"), allow(dead_code))] // the worker build's alone
    pub(super) fn object_without(text: &str, key: &str) -> Result<String, String> {
        let value = parse(text, true).map_err(|_| "not JSON".to_string())?;
        if !value.is_object() || js_sys::Array::is_array(&value) {
            let mut shown = None;
            let why: crate::wasm::field::Why = serde::de::Error::invalid_type(crate::wasm::field::unexpected(&value, &mut shown), &"a JSON object");
            return Err(why.0);
        }
        let _ = js_sys::Reflect::delete_property(wasm_bindgen::JsCast::unchecked_ref::<js_sys::Object>(&value), &key.into());
        JSON::stringify(&value).ok().and_then(|s| s.as_string()).ok_or_else(|| "not JSON".to_string())
    }

    /// The core and the worker write the text in Rust; the on-demand module
    /// keeps serde-wasm-bindgen and `JSON.stringify`.
    #[cfg(not(feature = "full"))]
    pub(super) fn to_json<T: Serialize + ?Sized>(value: &T) -> String {
        // Our own types write without error: no map has non-string keys.
        crate::wasm::text::to_text(value).unwrap_or_default()
    }

    #[cfg(feature = "full")]
    pub(super) fn to_json<T: Serialize + ?Sized>(value: &T) -> String {
        value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).ok().and_then(|v| JSON::stringify(&v).ok()).and_then(|s| s.as_string()).unwrap_or_default()
    }

    #[cfg(not(feature = "full"))]
    pub(super) fn serialize_raw<S: Serializer>(text: &str, s: S) -> Result<S::Ok, S::Error> {
        match parse(text, true) {
            Ok(v) => crate::wasm::field::Field(v).serialize(s),
            Err(_) => s.serialize_str(text),
        }
    }

    #[cfg(feature = "full")]
    pub(super) fn serialize_raw<S: Serializer>(text: &str, s: S) -> Result<S::Ok, S::Error> {
        match parse(text, true) {
            Ok(v) => serde_wasm_bindgen::preserve::serialize(&v, s),
            Err(_) => s.serialize_str(text),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Serialize, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    struct Probe {
        phone_number: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        sim_card_id: Option<u32>,
    }

    #[test]
    fn fields_keep_declaration_order_and_skip_absent_ones() {
        let p = Probe { phone_number: "+1".into(), sim_card_id: Some(2) };
        assert_eq!(to_json(&p), r#"{"phoneNumber":"+1","simCardId":2}"#);
        let p = Probe { phone_number: "+1".into(), sim_card_id: None };
        assert_eq!(to_json(&p), r#"{"phoneNumber":"+1"}"#);
    }

    #[test]
    fn errors_name_the_field() {
        let e = from_json::<Probe>(r#"{"phoneNumber":5}"#).unwrap_err();
        assert!(e.starts_with("phoneNumber: invalid type: integer `5`"), "{e}");
        let e = from_json::<Probe>(r#"{"phoneNumber":"x","color":1}"#).unwrap_err();
        assert!(e.contains("unknown field `color`"), "{e}");
        assert!(from_json::<Probe>(r#"{"phoneNumber":"x"} x"#).is_err());
    }

    #[test]
    fn field_names_come_from_the_struct() {
        assert_eq!(field_names(core::marker::PhantomData::<Probe>), ["phoneNumber", "simCardId"]);
        assert!(field_names(core::marker::PhantomData::<String>).is_empty());
    }

    #[test]
    fn nesting_is_bounded() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let text = format!(r#"{{"phoneNumber":"x","simCardId":{deep}}}"#);
        assert!(from_json::<Probe>(&text).is_err());
    }

    #[test]
    fn raw_json_passes_through() {
        #[derive(Serialize)]
        struct R {
            raw: RawJson,
        }
        assert_eq!(to_json(&R { raw: RawJson(r#"{"ok": true}"#.into()) }), r#"{"raw":{"ok": true}}"#);
        assert_eq!(to_json(&R { raw: RawJson(String::new()) }), r#"{"raw":null}"#);
        assert_eq!(to_json(&R { raw: RawJson("<html>".into()) }), r#"{"raw":"<html>"}"#);
    }
}
