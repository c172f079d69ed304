//! Lean crossings for the send and status paths: a result is written as
//! JSON text in the wasm and becomes a JavaScript object in one
//! `JSON.parse`, its `raw` answer set by one imported setter (the answer's
//! value, parsed once when it was read). serde-wasm-bindgen's writer makes
//! one `set` and one value per field instead.

use crate::client::{MessageStatus, SendReceipt};
use crate::RawJson;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// A result object, with its `raw` key set last.
    pub(super) type Made;
    #[wasm_bindgen(method, setter)]
    fn set_raw(this: &Made, v: &JsValue);

    /// `JSON.parse` of text the wasm wrote (always valid JSON, so no catch).
    #[wasm_bindgen(js_namespace = JSON, js_name = parse)]
    pub(super) fn parse_written(text: &str) -> Made;
}

/// Compact JSON text, written field by field.
pub(crate) struct Json(String);

impl Json {
    /// An object's opening brace.
    pub(crate) fn object() -> Json {
        let mut s = String::with_capacity(256);
        s.push('{');
        Json(s)
    }

    fn key(&mut self, key: &str) -> &mut Json {
        if !self.0.ends_with('{') {
            self.0.push(',');
        }
        self.0.push('"');
        self.0.push_str(key);
        self.0.push_str("\":");
        self
    }

    /// `"key":"value"`, escaped as JSON.
    pub(crate) fn str(&mut self, key: &str, value: &str) -> &mut Json {
        self.key(key).text(value);
        self
    }

    /// `"key":"value"`, or `"key":null` for `None`.
    pub(crate) fn opt_str(&mut self, key: &str, value: Option<&str>) -> &mut Json {
        match value {
            Some(v) => self.str(key, v),
            None => self.raw(key, "null"),
        }
    }

    /// `"key":n`.
    pub(crate) fn num(&mut self, key: &str, value: u32) -> &mut Json {
        self.key(key);
        digits(&mut self.0, u64::from(value));
        self
    }

    /// `"key":true` or `"key":false`.
    pub(crate) fn bool(&mut self, key: &str, value: bool) -> &mut Json {
        self.raw(key, if value { "true" } else { "false" })
    }

    /// `"key":` followed by `json`, which is valid JSON.
    pub(crate) fn raw(&mut self, key: &str, json: &str) -> &mut Json {
        self.key(key).0.push_str(json);
        self
    }

    /// The closing brace: the text.
    pub(crate) fn close(mut self) -> String {
        self.0.push('}');
        self.0
    }

    /// A JSON string.
    fn text(&mut self, value: &str) {
        quote(&mut self.0, value);
    }
}

/// `value` as a JSON string: `"`, `\\` and the control characters escaped.
pub(super) fn quote(s: &mut String, value: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    s.push('"');
    // Most values need no escape: copied whole (a push per character costs
    // a UTF-8 decode and encode each).
    if !value.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
        s.push_str(value);
        s.push('"');
        return;
    }
    for c in value.chars() {
        match c {
            '"' => s.push_str("\\\""),
            '\\' => s.push_str("\\\\"),
            '\n' => s.push_str("\\n"),
            '\r' => s.push_str("\\r"),
            '\t' => s.push_str("\\t"),
            '\u{8}' => s.push_str("\\b"),
            '\u{c}' => s.push_str("\\f"),
            c if (c as u32) < 0x20 => {
                s.push_str("\\u00");
                s.push(HEX[(c as usize) >> 4] as char);
                s.push(HEX[(c as usize) & 15] as char);
            }
            c => s.push(c),
        }
    }
    s.push('"');
}

/// `n` in decimal.
pub(super) fn digits(s: &mut String, n: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    let mut n = n;
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    s.extend(buf[i..].iter().map(|&b| b as char));
}

/// A result the core's send and status paths hand to JavaScript.
pub(crate) trait Written {
    /// The result without its `raw`, as JSON text ending in `"raw":null}`.
    fn text(&self) -> String;
    /// The provider's answer it keeps.
    fn raw(&self) -> &RawJson;
}

/// A text's segments' fields, written into `j`.
fn segment_fields<'j>(j: &'j mut Json, s: &crate::SegmentInfo) -> &'j mut Json {
    j.str("encoding", s.encoding.as_str())
        .num("count", s.count)
        .num("units", s.units)
        .num("perSegment", s.per_segment)
        .num("remaining", s.remaining)
}

/// A text's segments, as JSON text.
#[cfg(any(test, not(feature = "worker")))]
fn segments_text(s: &crate::SegmentInfo) -> String {
    let mut segments = Json::object();
    segment_fields(&mut segments, s);
    segments.close()
}

/// `segments(text)`'s object: one `JSON.parse`.
#[cfg(any(test, not(feature = "worker")))]
pub(crate) fn segments(s: &crate::SegmentInfo) -> JsValue {
    parse_written(&segments_text(s)).into()
}

impl Written for SendReceipt {
    fn text(&self) -> String {
        let mut j = Json::object();
        j.str("provider", self.provider.as_str())
            .opt_str("id", self.id.as_deref())
            .str("status", self.status.as_str())
            .bool("duplicate", self.duplicate)
            .str("to", &self.to)
            .raw("segments", "{");
        segment_fields(&mut j, &self.segments).0.push('}');
        if let Some(key) = &self.idempotency_key {
            j.str("idempotencyKey", key);
        }
        j.raw("raw", "null");
        j.close()
    }

    fn raw(&self) -> &RawJson {
        &self.raw
    }
}

impl Written for MessageStatus {
    fn text(&self) -> String {
        let mut j = Json::object();
        j.str("id", &self.id)
            .str("provider", self.provider.as_str())
            .str("status", self.status.as_str())
            .opt_str("error", self.error.as_deref())
            .opt_str("createdAt", self.created_at.as_deref())
            .opt_str("deliveredAt", self.delivered_at.as_deref())
            .raw("raw", "null");
        j.close()
    }

    fn raw(&self) -> &RawJson {
        &self.raw
    }
}

/// `result` as a JavaScript object: one `JSON.parse` of its text, then its
/// `raw` (`null` when empty, the answer's value when it is JSON, else its
/// text), set in place so the key keeps its place.
pub(crate) fn write(result: &dyn Written) -> JsValue {
    let made = parse_written(&result.text());
    // Known empty in the wasm, not tested on the value: one trip out fewer.
    if let Some(raw) = crate::core::codec::raw_value(result.raw()) {
        made.set_raw(&raw);
    }
    made.into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn strings_round_trip_through_json_parse() {
        let text = "a\"b\\c\n\r\t\u{8}\u{c}\u{1}\u{1f}\u{7f}\u{2028}é😀/";
        let mut j = Json::object();
        j.str("k", text).num("n", u32::MAX).num("z", 0).bool("b", false).opt_str("none", None);
        let written = j.close();
        let v = js_sys::JSON::parse(&written).unwrap();
        assert_eq!(crate::wasm::prop(&v, "k").as_string().as_deref(), Some(text));
        assert_eq!(crate::wasm::prop(&v, "n").as_f64(), Some(f64::from(u32::MAX)));
        assert_eq!(crate::wasm::prop(&v, "z").as_f64(), Some(0.0));
        assert_eq!(crate::wasm::prop(&v, "b").as_bool(), Some(false));
        assert!(crate::wasm::prop(&v, "none").is_null());
        // The same text serde-wasm-bindgen and JSON.stringify give.
        let stringified = js_sys::JSON::stringify(&v).unwrap().as_string().unwrap();
        assert_eq!(stringified, written);
    }
}
