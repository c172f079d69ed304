//! Small JSON helpers: an ordered object writer (provider documents list
//! fields in an order, and we keep it on the wire) and a strict reader that
//! refuses unknown or mistyped fields instead of dropping them.

use crate::{Error, Result};
use miniserde::json::{self, Number, Object, Value};

/// Writes one JSON object, keeping keys in insertion order.
pub(crate) struct JsonObject {
    buf: String,
}

impl JsonObject {
    pub(crate) fn new() -> Self {
        JsonObject { buf: String::from("{") }
    }

    fn key(&mut self, key: &str) {
        if self.buf.len() > 1 {
            self.buf.push(',');
        }
        self.buf.push_str(&json::to_string(key));
        self.buf.push(':');
    }

    /// Adds a value that is already JSON text.
    pub(crate) fn raw(mut self, key: &str, json_text: &str) -> Self {
        self.key(key);
        self.buf.push_str(json_text);
        self
    }

    pub(crate) fn str(self, key: &str, value: &str) -> Self {
        let v = json::to_string(value);
        self.raw(key, &v)
    }

    /// A string, or `null` when absent.
    pub(crate) fn str_or_null(self, key: &str, value: Option<&str>) -> Self {
        match value {
            Some(v) => self.str(key, v),
            None => self.raw(key, "null"),
        }
    }

    /// A string only when present: the key is left out otherwise.
    pub(crate) fn opt_str(self, key: &str, value: Option<&str>) -> Self {
        match value {
            Some(v) => self.str(key, v),
            None => self,
        }
    }

    pub(crate) fn num(self, key: &str, value: impl core::fmt::Display) -> Self {
        let v = value.to_string();
        self.raw(key, &v)
    }

    pub(crate) fn bool(self, key: &str, value: bool) -> Self {
        self.raw(key, if value { "true" } else { "false" })
    }

    pub(crate) fn finish(mut self) -> String {
        self.buf.push('}');
        self.buf
    }
}

/// Parses `text` as a JSON object, or `None` when it is anything else.
pub(crate) fn parse_object(text: &str) -> Option<Object> {
    match json::from_str::<Value>(text) {
        Ok(Value::Object(o)) => Some(o),
        _ => None,
    }
}

/// A string member of an object.
pub(crate) fn get_str<'a>(obj: &'a Object, key: &str) -> Option<&'a str> {
    match obj.get(key) {
        Some(Value::String(s)) => Some(s),
        _ => None,
    }
}

/// A boolean member of an object.
pub(crate) fn get_bool(obj: &Object, key: &str) -> Option<bool> {
    match obj.get(key) {
        Some(Value::Bool(b)) => Some(*b),
        _ => None,
    }
}

pub(crate) fn number_f64(n: &Number) -> f64 {
    match *n {
        Number::U64(u) => u as f64,
        Number::I64(i) => i as f64,
        Number::F64(f) => f,
    }
}

/// Reads the fields of a caller's argument object strictly: each `take_*`
/// consumes a key, and [`Fields::finish`] refuses any key left over, so a
/// misspelt or unsupported option is an error rather than silently dropped.
pub(crate) struct Fields {
    obj: Object,
    what: &'static str,
}

impl Fields {
    /// Parses the JSON text of an argument object named `what` in messages.
    pub(crate) fn parse(text: &str, what: &'static str) -> Result<Self> {
        let obj = parse_object(text)
            .ok_or_else(|| Error::input(format!("{what} must be an object")))?;
        Ok(Fields { obj, what })
    }

    /// Wraps an already parsed object.
    pub(crate) fn from_object(obj: Object, what: &'static str) -> Self {
        Fields { obj, what }
    }

    fn take(&mut self, key: &str) -> Option<Value> {
        // `undefined` never reaches here (JSON.stringify drops it); `null` means absent too.
        match self.obj.remove(key) {
            Some(Value::Null) | None => None,
            Some(v) => Some(v),
        }
    }

    fn wrong(&self, key: &str, expected: &str) -> Error {
        Error::input(format!("{}.{key} must be {expected}", self.what))
    }

    pub(crate) fn string(&mut self, key: &str) -> Result<Option<String>> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(self.wrong(key, "a string")),
        }
    }

    pub(crate) fn required_string(&mut self, key: &str) -> Result<String> {
        match self.string(key)? {
            Some(s) if !s.trim().is_empty() => Ok(s),
            _ => Err(Error::input(format!("{}.{key} is required", self.what))),
        }
    }

    pub(crate) fn boolean(&mut self, key: &str) -> Result<Option<bool>> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(b)),
            Some(_) => Err(self.wrong(key, "a boolean")),
        }
    }

    /// A non-negative whole number no larger than `max`.
    pub(crate) fn uint(&mut self, key: &str, max: u64) -> Result<Option<u64>> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::Number(n)) => {
                let f = number_f64(&n);
                if f.fract() == 0.0 && f >= 0.0 && f <= max as f64 {
                    Ok(Some(f as u64))
                } else {
                    Err(self.wrong(key, &format!("a whole number from 0 to {max}")))
                }
            }
            Some(_) => Err(self.wrong(key, "a number")),
        }
    }

    pub(crate) fn string_list(&mut self, key: &str) -> Result<Option<Vec<String>>> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::Array(items)) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items.iter() {
                    match item {
                        Value::String(s) => out.push(s.clone()),
                        _ => return Err(self.wrong(key, "an array of strings")),
                    }
                }
                Ok(Some(out))
            }
            Some(_) => Err(self.wrong(key, "an array of strings")),
        }
    }

    /// A nested object.
    pub(crate) fn object(&mut self, key: &str) -> Result<Option<Object>> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::Object(o)) => Ok(Some(o)),
            Some(_) => Err(self.wrong(key, "an object")),
        }
    }

    /// Refuses any field that was not taken.
    pub(crate) fn finish(&self, context: &str) -> Result<()> {
        match self.obj.keys().next() {
            None => Ok(()),
            Some(k) => Err(Error::input(format!(
                "{}.{k} is not a field {context}",
                self.what
            ))),
        }
    }
}

/// Writes a list of strings as a JSON array.
pub(crate) fn string_array(items: &[String]) -> String {
    let mut out = String::from("[");
    for (i, s) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&json::to_string(s.as_str()));
    }
    out.push(']');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writer_keeps_order_and_escapes() {
        let s = JsonObject::new()
            .str("b", "x\"y\n")
            .num("a", 3)
            .bool("c", true)
            .str_or_null("d", None)
            .opt_str("e", None)
            .finish();
        assert_eq!(s, r#"{"b":"x\"y\n","a":3,"c":true,"d":null}"#);
    }

    #[test]
    fn fields_refuse_unknown_and_mistyped() {
        let mut f = Fields::parse(r#"{"to":"x","n":1.5,"extra":1}"#, "message").unwrap();
        assert_eq!(f.required_string("to").unwrap(), "x");
        assert!(f.uint("n", 10).is_err());
        let err = f.finish("for textlink").unwrap_err();
        assert_eq!(err.message, "message.extra is not a field for textlink");
        assert!(Fields::parse("[1]", "message").is_err());
        let mut f = Fields::parse(r#"{"to":null}"#, "message").unwrap();
        assert!(f.required_string("to").is_err());
    }
}
