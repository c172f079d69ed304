//! A webhook body kept as the provider sent it, minus the fields that must
//! never be stored (a shared secret in the body). Values are kept untouched:
//! natively as raw JSON text, in the wasm as the `JSON.parse` result, so no
//! nested value is walked or rebuilt.

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};

#[cfg(not(target_arch = "wasm32"))]
type Kept = Box<serde_json::value::RawValue>;

#[cfg(target_arch = "wasm32")]
#[derive(serde::Deserialize, serde::Serialize)]
#[serde(transparent)]
struct Kept(#[serde(with = "serde_wasm_bindgen::preserve")] wasm_bindgen::JsValue);

/// A JSON object's members, in the order they came.
pub(crate) struct RawObject(Vec<(String, Kept)>);

impl RawObject {
    /// The object without any member named `key`.
    pub(crate) fn without(mut self, key: &str) -> Self {
        self.0.retain(|(k, _)| k != key);
        self
    }
}

struct RawObjectVisitor;

impl<'de> Visitor<'de> for RawObjectVisitor {
    type Value = RawObject;

    fn expecting(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawObject, A::Error> {
        let mut members = Vec::new();
        while let Some((k, v)) = map.next_entry::<String, Kept>()? {
            members.push((k, v));
        }
        Ok(RawObject(members))
    }
}

impl<'de> Deserialize<'de> for RawObject {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(RawObjectVisitor)
    }
}

impl Serialize for RawObject {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::codec::{from_json, to_json};

    #[test]
    fn members_keep_their_order_and_values() {
        let o: RawObject = from_json(r#"{"z":1,"secret":"s","a":{"b":[1,2.50,"x"]},"secret":"t"}"#).unwrap();
        assert_eq!(to_json(&o.without("secret")), r#"{"z":1,"a":{"b":[1,2.50,"x"]}}"#);
        assert!(from_json::<RawObject>("[1]").is_err());
    }
}
