//! JSON text to and from serde values. Natively this is serde_json; in the
//! wasm it is the platform's own `JSON.parse` / `JSON.stringify` through
//! serde-wasm-bindgen, so no JSON parser or printer is compiled into it.
//!
//! Both keep a struct's fields in declaration order, which is how the
//! providers' wire bodies keep the order of their documents. Untyped nesting
//! is never walked: a typed read skips what it does not name, and serde_json
//! stops at 128 levels.

use serde::de::DeserializeOwned;
use serde::{Serialize, Serializer};

/// Reads JSON text as `T`; the error says what was wrong and, through
/// serde_path_to_error, at which field (`"to: invalid type: integer …"`).
pub(crate) fn from_json<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    imp::from_json(text)
}

/// Writes `value` as compact JSON text.
pub(crate) fn to_json<T: Serialize + ?Sized>(value: &T) -> String {
    imp::to_json(value)
}

/// Puts the failing field's path in front of a deserialisation error.
fn with_path<E: core::fmt::Display>(e: serde_path_to_error::Error<E>) -> String {
    let path = e.path().to_string();
    if path == "." || path.is_empty() {
        e.inner().to_string()
    } else {
        format!("{path}: {}", e.inner())
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

#[cfg(not(target_arch = "wasm32"))]
mod imp {
    use super::*;

    pub(super) fn from_json<T: DeserializeOwned>(text: &str) -> Result<T, String> {
        let mut de = serde_json::Deserializer::from_str(text);
        let value = serde_path_to_error::deserialize(&mut de).map_err(with_path)?;
        de.end().map_err(|e| e.to_string())?;
        Ok(value)
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

    pub(super) fn from_json<T: DeserializeOwned>(text: &str) -> Result<T, String> {
        let value = JSON::parse(text).map_err(|_| "not JSON".to_string())?;
        from_js(value)
    }

    /// Reads a JavaScript value as `T`, naming the failing field.
    pub(crate) fn from_js<T: DeserializeOwned>(value: wasm_bindgen::JsValue) -> Result<T, String> {
        let de = serde_wasm_bindgen::Deserializer::from(value);
        serde_path_to_error::deserialize(de).map_err(with_path)
    }

    pub(super) fn to_json<T: Serialize + ?Sized>(value: &T) -> String {
        to_js(value).ok().and_then(|v| JSON::stringify(&v).ok()).and_then(|s| s.as_string()).unwrap_or_default()
    }

    /// `value` as a plain JavaScript value (objects, never `Map`s).
    pub(crate) fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<wasm_bindgen::JsValue, serde_wasm_bindgen::Error> {
        value.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
    }

    pub(super) fn serialize_raw<S: Serializer>(text: &str, s: S) -> Result<S::Ok, S::Error> {
        match JSON::parse(text) {
            Ok(v) => serde_wasm_bindgen::preserve::serialize(&v, s),
            Err(_) => s.serialize_str(text),
        }
    }
}

#[cfg(target_arch = "wasm32")]
pub(crate) use imp::{from_js, to_js};

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
