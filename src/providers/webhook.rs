//! What every provider's webhook parser shares (worker build): the request
//! as plain data, the refusal with its HTTP status, the body read as one
//! JSON object nested at most [`MAX_WEBHOOK_DEPTH`] deep, ids that may be
//! numbers, a credential field read without trusting its type, stable event
//! ids, the time checks, and the body as stored without its credential.
//!
//! Each event gets an id derived from what identifies it at the provider
//! (its ids and times), or from a hash of the body where the provider gives
//! neither, never from the time of arrival: a redelivery yields the same id
//! and is stored once.

use crate::contract::{EventKind, InboundEvent};
use crate::core::codec::{self, RawJson};
use crate::core::encode::hex;
use crate::parse_iso8601;
use crate::providers::ProviderKind;
use serde::de::{Deserializer, Visitor};
use serde::Deserialize;
#[cfg(not(target_arch = "wasm32"))]
use serde::{de::MapAccess, ser::SerializeMap, Serialize, Serializer};
use sha2::{Digest, Sha256};

/// The deepest nesting of objects and arrays a webhook body may have.
pub const MAX_WEBHOOK_DEPTH: usize = 64;

/// One inbound HTTP request, as plain data.
pub struct WebhookRequest<'a> {
    /// The provider named in the path (`/webhooks/{provider}`).
    pub provider: ProviderKind,
    /// Teklink: the secret path segment (`/webhooks/teklink/{secret}`), percent-decoded.
    pub path_secret: Option<&'a str>,
    /// TextLink: which of its four webhooks this URL is for (`?event=sent|failed|received|tag`).
    pub event_hint: Option<&'a str>,
    /// Header names and values.
    pub headers: &'a [(String, String)],
    /// The raw body.
    pub body: &'a [u8],
}

/// Why a webhook request was refused, with the HTTP status to answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// 400, 401, 404, 405 or 413 — never 5xx.
    pub status: u16,
    /// What was wrong (never a secret).
    pub error: String,
}

pub(crate) fn reject(status: u16, error: impl Into<String>) -> Rejection {
    Rejection { status, error: error.into() }
}

/// A stable id from the parts that identify an event at its provider.
pub(crate) fn event_id(provider: ProviderKind, parts: &[&str]) -> String {
    let mut h = Sha256::new();
    h.update(provider.as_str().as_bytes());
    for p in parts {
        h.update([0u8]);
        h.update(p.as_bytes());
    }
    format!("evt_{}", hex(&h.finalize()[..16]))
}

/// The id of an event the provider gives neither an id nor a time for: a
/// hash of its body (without secrets), so only a byte-identical redelivery
/// has the same id.
pub(crate) fn body_event_id(provider: ProviderKind, kind: EventKind, raw: &str) -> String {
    event_id(provider, &[kind.as_str(), "body", &hex(&Sha256::digest(raw.as_bytes()))])
}

/// Earliest and latest timestamps believed (2001-01-01 and now + 1 day).
const EARLIEST_MS: u64 = 978_307_200_000;
const FUTURE_SLACK_MS: u64 = 86_400_000;

pub(crate) fn check_time(ms: u64, now_ms: u64) -> Result<u64, Rejection> {
    if ms < EARLIEST_MS || ms > now_ms.saturating_add(FUTURE_SLACK_MS) {
        return Err(reject(400, "timestamp is out of range"));
    }
    Ok(ms)
}

pub(crate) fn rfc3339(field: &str, text: &str, now_ms: u64) -> Result<u64, Rejection> {
    let ms = parse_iso8601(text).ok_or_else(|| reject(400, format!("{field} is not an RFC 3339 time")))?;
    check_time(ms, now_ms)
}

/// Whether objects and arrays nest at most `max` deep (strings skipped).
/// Checked on the bytes before any parse, alike natively and in the wasm.
pub(crate) fn nesting_within(body: &[u8], max: usize) -> bool {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for &b in body {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                if depth > max {
                    return false;
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    true
}

/// The body as the text of one JSON object, nested at most [`MAX_WEBHOOK_DEPTH`].
pub(crate) fn object_text(body: &[u8]) -> Result<&str, Rejection> {
    let text = core::str::from_utf8(body).map_err(|_| reject(400, "body is not UTF-8"))?;
    if !text.trim_start().starts_with('{') {
        return Err(reject(400, "body is not a JSON object"));
    }
    if !nesting_within(body, MAX_WEBHOOK_DEPTH) {
        return Err(reject(400, format!("body is nested deeper than {MAX_WEBHOOK_DEPTH} levels")));
    }
    Ok(text)
}

pub(crate) fn read<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, Rejection> {
    codec::from_json(text).map_err(|e| reject(400, e))
}

/// A string, or a number where an id is expected (ids are sometimes numeric).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Id(String);

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Id;
            fn expecting(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
                f.write_str("a string or a number")
            }
            fn visit_str<E>(self, v: &str) -> Result<Id, E> {
                Ok(Id(v.into()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Id, E> {
                Ok(Id(v.to_string()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Id, E> {
                Ok(Id(v.to_string()))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Id, E> {
                if v.is_finite() && v.fract() == 0.0 && v.abs() < 9.007_199_254_740_992e15 {
                    Ok(Id((v as i64).to_string()))
                } else if v.is_finite() {
                    Ok(Id(v.to_string()))
                } else {
                    Err(E::custom("a number id must be finite"))
                }
            }
        }
        d.deserialize_any(V)
    }
}

pub(crate) fn id(v: Option<Id>) -> Option<String> {
    v.map(|i| i.0)
}

/// The body as stored: without the member that carries the credential.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn raw_without(text: &str, secret_key: &str) -> Result<RawJson, Rejection> {
    let obj: RawObject = read(text)?;
    Ok(RawJson(codec::to_json(&obj.without(secret_key))))
}

/// The body as stored: without the member that carries the credential
/// (the platform's `JSON.parse`, `delete` and `JSON.stringify`).
#[cfg(target_arch = "wasm32")]
pub(crate) fn raw_without(text: &str, secret_key: &str) -> Result<RawJson, Rejection> {
    codec::object_without(text, secret_key).map(RawJson).map_err(|e| reject(400, e))
}

pub(crate) fn event(provider: ProviderKind, kind: EventKind, id: String, occurred_at_ms: u64, raw: RawJson) -> InboundEvent {
    InboundEvent {
        id,
        provider,
        kind,
        from: None,
        to: None,
        text: None,
        channel: None,
        message_id: None,
        status: None,
        error: None,
        tag: None,
        occurred_at_ms,
        raw,
    }
}

/// Reads the credential a body carries in the provider's own field (`T`
/// names it, `field` takes it out, read with [`opt_str`] so that a value of
/// another type is none); any body that is not a JSON object gives none, so
/// it is refused as 401, revealing nothing about its shape, before anything
/// in it is believed.
pub(crate) fn body_secret<T: serde::de::DeserializeOwned>(body: &[u8], field: impl FnOnce(T) -> Option<String>) -> Option<String> {
    let text = object_text(body).ok()?;
    field(read::<T>(text).ok()?)
}

#[cfg(not(target_arch = "wasm32"))]
type Kept = Box<serde_json::value::RawValue>;

/// A webhook body kept as the provider sent it, minus the fields that must
/// never be stored (a shared secret in the body). Values are kept untouched,
/// as raw JSON text, so no nested value is walked or rebuilt. A JSON
/// object's members, in the order they came. (The wasm keeps the `JSON.parse`
/// result instead: [`codec::object_without`].)
#[cfg(not(target_arch = "wasm32"))]
pub(crate) struct RawObject(Vec<(String, Kept)>);

#[cfg(not(target_arch = "wasm32"))]
impl RawObject {
    /// The object without any member named `key`.
    pub(crate) fn without(mut self, key: &str) -> Self {
        self.0.retain(|(k, _)| k != key);
        self
    }
}

#[cfg(not(target_arch = "wasm32"))]
struct RawObjectVisitor;

#[cfg(not(target_arch = "wasm32"))]
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

#[cfg(not(target_arch = "wasm32"))]
impl<'de> Deserialize<'de> for RawObject {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(RawObjectVisitor)
    }
}

#[cfg(not(target_arch = "wasm32"))]
impl Serialize for RawObject {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::core::codec::{from_json, to_json};

    #[test]
    fn members_keep_their_order_and_values() {
        let o: RawObject = from_json(r#"{"z":1,"secret":"s","a":{"b":[1,2.50,"x"]},"secret":"t"}"#).unwrap();
        assert_eq!(to_json(&o.without("secret")), r#"{"z":1,"a":{"b":[1,2.50,"x"]}}"#);
        // src/wasm/tests.rs holds the wasm's reader to the same answers.
        assert!(from_json::<RawObject>("[1]").err().unwrap().starts_with("invalid type: sequence, expected a JSON object"));
        assert!(from_json::<RawObject>("null").err().unwrap().starts_with("invalid type: null, expected a JSON object"));
    }
}
