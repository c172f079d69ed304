//! Small JSON: an ordered object writer (provider documents list fields in
//! an order, and we keep it on the wire), a parser into [`Value`], and a
//! strict reader that refuses unknown or mistyped fields instead of dropping
//! them.
//!
//! Hand-written rather than taken from serde_json or miniserde: both pull
//! sorted maps, float formatting and generic machinery into the wasm (about
//! 25 KB of the 160 KB before this file replaced miniserde), and all we need
//! is objects of a few dozen fields read by key.

use crate::{Error, Result};

/// Nesting deeper than this is refused: webhook bodies come from the network.
const MAX_DEPTH: usize = 64;

/// A parsed JSON value. Numbers keep their source text, so an id written as
/// a number survives unchanged and no float parsing or formatting is needed.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Value {
    Null,
    Bool(bool),
    Number(String),
    String(String),
    Array(Vec<Value>),
    Object(Object),
}

/// A JSON object in source order. Duplicate keys are kept; reads see the
/// last one, as `JSON.parse` does, and `remove` takes them all.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Object(Vec<(String, Value)>);

impl Object {
    pub(crate) fn get(&self, key: &str) -> Option<&Value> {
        self.0.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub(crate) fn remove(&mut self, key: &str) -> Option<Value> {
        let mut found = None;
        self.0.retain_mut(|(k, v)| {
            if k == key {
                found = Some(core::mem::replace(v, Value::Null));
                false
            } else {
                true
            }
        });
        found
    }

    pub(crate) fn first_key(&self) -> Option<&str> {
        self.0.first().map(|(k, _)| k.as_str())
    }
}

/// Appends `s` as a JSON string literal.
pub(crate) fn write_str(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.reserve(s.len() + 2);
    out.push('"');
    // Only ASCII bytes are ever escaped, so the runs between them are whole
    // UTF-8 sequences and can be copied as they are.
    let mut run = 0;
    for (i, &b) in s.as_bytes().iter().enumerate() {
        let escaped = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&s[run..i]);
        run = i + 1;
        if escaped.is_empty() {
            out.push_str("\\u00");
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 15) as usize] as char);
        } else {
            out.push_str(escaped);
        }
    }
    out.push_str(&s[run..]);
    out.push('"');
}

/// Parses JSON text (RFC 8259, nothing but whitespace around one value).
pub(crate) fn parse(text: &str) -> Option<Value> {
    parse_or_why(text).ok()
}

/// [`parse`], saying why it failed.
pub(crate) fn parse_or_why(text: &str) -> core::result::Result<Value, &'static str> {
    let mut p = Parser { s: text.as_bytes(), i: 0, too_deep: false };
    let v = p.value(0);
    p.ws();
    match v {
        Some(v) if p.i == p.s.len() => Ok(v),
        _ if p.too_deep => Err("body is nested deeper than 64 levels"),
        _ => Err("body is not JSON"),
    }
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
    too_deep: bool,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while matches!(self.s.get(self.i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn eat(&mut self, b: u8) -> bool {
        self.ws();
        let hit = self.s.get(self.i) == Some(&b);
        self.i += hit as usize;
        hit
    }

    fn word(&mut self, w: &str, v: Value) -> Option<Value> {
        self.s[self.i..].starts_with(w.as_bytes()).then(|| {
            self.i += w.len();
            v
        })
    }

    fn value(&mut self, depth: usize) -> Option<Value> {
        self.ws();
        if depth >= MAX_DEPTH {
            self.too_deep = true;
            return None;
        }
        match *self.s.get(self.i)? {
            b'n' => self.word("null", Value::Null),
            b't' => self.word("true", Value::Bool(true)),
            b'f' => self.word("false", Value::Bool(false)),
            b'"' => self.string().map(Value::String),
            b'[' => {
                self.i += 1;
                let mut items = Vec::new();
                if !self.eat(b']') {
                    loop {
                        items.push(self.value(depth + 1)?);
                        if self.eat(b']') {
                            break;
                        }
                        if !self.eat(b',') {
                            return None;
                        }
                    }
                }
                Some(Value::Array(items))
            }
            b'{' => {
                self.i += 1;
                let mut fields = Vec::new();
                if !self.eat(b'}') {
                    loop {
                        self.ws();
                        let k = self.string()?;
                        if !self.eat(b':') {
                            return None;
                        }
                        fields.push((k, self.value(depth + 1)?));
                        if self.eat(b'}') {
                            break;
                        }
                        if !self.eat(b',') {
                            return None;
                        }
                    }
                }
                Some(Value::Object(Object(fields)))
            }
            _ => self.number(),
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.i;
        while self.s.get(self.i).is_some_and(u8::is_ascii_digit) {
            self.i += 1;
        }
        self.i - start
    }

    fn number(&mut self) -> Option<Value> {
        let start = self.i;
        self.i += (self.s[self.i] == b'-') as usize;
        let int_start = self.i;
        let n = self.digits();
        if n == 0 || (n > 1 && self.s[int_start] == b'0') {
            return None;
        }
        if self.s.get(self.i) == Some(&b'.') {
            self.i += 1;
            if self.digits() == 0 {
                return None;
            }
        }
        if matches!(self.s.get(self.i), Some(b'e' | b'E')) {
            self.i += 1;
            self.i += matches!(self.s.get(self.i), Some(b'+' | b'-')) as usize;
            if self.digits() == 0 {
                return None;
            }
        }
        // Only ASCII was consumed, so the slice is valid UTF-8.
        Some(Value::Number(String::from_utf8_lossy(&self.s[start..self.i]).into_owned()))
    }

    fn hex4(&mut self) -> Option<u32> {
        let h = self.s.get(self.i..self.i + 4)?;
        self.i += 4;
        h.iter().try_fold(0, |acc, &b| Some(acc * 16 + (b as char).to_digit(16)?))
    }

    fn string(&mut self) -> Option<String> {
        if self.s.get(self.i) != Some(&b'"') {
            return None;
        }
        self.i += 1;
        let mut out = Vec::new();
        loop {
            let b = *self.s.get(self.i)?;
            self.i += 1;
            match b {
                b'"' => break,
                b'\\' => {
                    let e = *self.s.get(self.i)?;
                    self.i += 1;
                    let c = match e {
                        b'"' | b'\\' | b'/' => e as char,
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let mut cp = self.hex4()?;
                            if (0xD800..0xDC00).contains(&cp) {
                                if self.s.get(self.i..self.i + 2) != Some(b"\\u") {
                                    return None;
                                }
                                self.i += 2;
                                let lo = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&lo) {
                                    return None;
                                }
                                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                            }
                            char::from_u32(cp)?
                        }
                        _ => return None,
                    };
                    let mut buf = [0; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
                0..=0x1f => return None,
                _ => out.push(b),
            }
        }
        // The input was a &str and escapes produce whole characters.
        String::from_utf8(out).ok()
    }
}

/// The value of a JSON number's text (which [`parse`] has checked), close
/// enough for the durations, timestamps and status codes it is used for.
pub(crate) fn number_f64(n: &str) -> f64 {
    let (neg, rest) = match n.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, n),
    };
    let (mantissa, exp) = rest.split_once(['e', 'E']).unwrap_or((rest, "0"));
    let mut value = 0f64;
    let mut scale = 0i32;
    let mut after_point = false;
    for b in mantissa.bytes() {
        match b {
            b'.' => after_point = true,
            d => {
                value = value * 10.0 + (d - b'0') as f64;
                scale -= after_point as i32;
            }
        }
    }
    let exp: i32 = exp.trim_start_matches('+').parse().unwrap_or(if exp.starts_with('-') { -400 } else { 400 });
    let v = value * 10f64.powi(scale.saturating_add(exp));
    if neg {
        -v
    } else {
        v
    }
}

/// `v` in decimal, without the `core::fmt` machinery.
pub(crate) fn u64_text(mut v: u64) -> String {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    digits[i..].iter().map(|&d| d as char).collect()
}

/// A whole number written without fraction or exponent, when it fits a u64.
pub(crate) fn number_u64(n: &str) -> Option<u64> {
    n.bytes().try_fold(0u64, |acc, b| acc.checked_mul(10)?.checked_add((b as char).to_digit(10)? as u64))
}

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
        write_str(&mut self.buf, key);
        self.buf.push(':');
    }

    /// Adds a value that is already JSON text.
    pub(crate) fn raw(mut self, key: &str, json_text: &str) -> Self {
        self.key(key);
        self.buf.push_str(json_text);
        self
    }

    pub(crate) fn str(mut self, key: &str, value: &str) -> Self {
        self.key(key);
        write_str(&mut self.buf, value);
        self
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

    pub(crate) fn num(self, key: &str, value: u64) -> Self {
        self.raw(key, &u64_text(value))
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
    match parse(text) {
        Some(Value::Object(o)) => Some(o),
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
            Some(Value::Number(n)) => match number_u64(&n) {
                Some(u) if u <= max => Ok(Some(u)),
                _ => Err(self.wrong(key, &format!("a whole number from 0 to {max}"))),
            },
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
        match self.obj.first_key() {
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
        write_str(&mut out, s);
    }
    out.push(']');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_round_trip_through_write_and_parse() {
        let cases = ["", "plain", "é€😀 mixed\u{1}\u{1f}\t\\\"end", "\"\"\\", "\u{7f}ÿ\r\n"];
        for case in cases {
            let mut out = String::new();
            write_str(&mut out, case);
            assert!(!out.bytes().any(|b| b < 0x20), "raw control byte in {out:?}");
            assert_eq!(parse(&out), Some(Value::String(case.into())), "{out}");
        }
        let mut out = String::new();
        write_str(&mut out, "a\u{1}b");
        assert_eq!(out, r#""a\u0001b""#);
    }

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
    fn parser_follows_the_grammar() {
        let v = parse(" {\"a\":[1,-2.5e3,true,null],\"b\":\"\\u00e9\\ud83d\\ude00\\n\",\"a\":{}} ").unwrap();
        let Value::Object(o) = &v else { panic!("not an object") };
        assert_eq!(o.get("a"), Some(&Value::Object(Object::default())), "the last duplicate wins");
        assert_eq!(get_str(o, "b"), Some("\u{e9}\u{1f600}\n"));
        for bad in ["", "{", "{\"a\"}", "[1,]", "01", "1.", "-", "1e", "\"\\x\"", "\"\\ud800\"", "\"a\nb\"", "nul", "{} x", "{'a':1}"] {
            assert_eq!(parse(bad), None, "{bad:?} must be refused");
        }
        assert!(parse(&"[".repeat(64).chain_close(64)).is_some());
        assert!(parse(&"[".repeat(65).chain_close(65)).is_none(), "too deep");
        assert!(parse(&"[".repeat(100_000)).is_none());
    }

    trait Close {
        fn chain_close(self, n: usize) -> String;
    }
    impl Close for String {
        fn chain_close(self, n: usize) -> String {
            self + &"]".repeat(n)
        }
    }

    #[test]
    fn numbers_read_as_written() {
        assert_eq!(number_f64("-2.5e3"), -2500.0);
        assert_eq!(number_f64("12.25"), 12.25);
        assert_eq!(number_f64("1E-2"), 0.01);
        assert_eq!(number_u64("18446744073709551615"), Some(u64::MAX));
        assert_eq!(u64_text(u64::MAX), "18446744073709551615");
        assert_eq!(u64_text(0), "0");
        assert_eq!(u64_text(1000), "1000");
        assert_eq!(number_u64("18446744073709551616"), None);
        assert_eq!(number_u64("1.0"), None);
        assert_eq!(number_u64("-1"), None);
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
