//! serde values written as compact JSON text in the wasm, as `JSON.stringify`
//! writes the value serde-wasm-bindgen's JSON-compatible serializer makes
//! of them: the core's provider request bodies, `onRequest`'s record, and
//! any plain result, with no JavaScript value built field by field; the
//! worker's stored entries and answers too. The on-demand module keeps
//! serde-wasm-bindgen.

use super::access::{digits, quote};
use wasm_bindgen::prelude::*;

/// A serde value as compact JSON text, as `JSON.stringify` writes the value
/// serde-wasm-bindgen's JSON-compatible serializer makes of it (fields in
/// declaration order, `None` as `null`, maps as objects): provider request
/// bodies and the core's plain results, with no JavaScript value built.
pub(crate) fn to_text<T: serde::Serialize + ?Sized>(value: &T) -> Result<String, Unwritable> {
    let mut out = Text(String::with_capacity(256));
    value.serialize(&mut out)?;
    Ok(out.0)
}

/// `value` as a plain JavaScript object: its text, then one `JSON.parse`.
#[cfg(not(feature = "full"))]
pub(crate) fn to_value<T: serde::Serialize + ?Sized>(value: &T) -> Result<JsValue, Unwritable> {
    Ok(super::access::parse_written(&to_text(value)?).into())
}

/// What [`to_text`] cannot write: a map key that is not a string.
#[derive(Debug)]
pub(crate) struct Unwritable(String);

impl core::fmt::Display for Unwritable {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Unwritable {}

impl serde::ser::Error for Unwritable {
    fn custom<T: core::fmt::Display>(msg: T) -> Self {
        Unwritable(msg.to_string())
    }
}

/// The text [`to_text`] writes.
struct Text(String);

/// An object's or array's members so far: whether one was written.
pub(crate) struct Members<'a> {
    out: &'a mut Text,
    first: bool,
    close: &'static str,
}

impl Members<'_> {
    fn comma(&mut self) {
        if !core::mem::take(&mut self.first) {
            self.out.0.push(',');
        }
    }

    fn item<T: serde::Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unwritable> {
        self.comma();
        value.serialize(&mut *self.out)
    }

    fn field<T: serde::Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Result<(), Unwritable> {
        self.comma();
        quote(&mut self.out.0, key);
        self.out.0.push(':');
        value.serialize(&mut *self.out)
    }

    fn end(self) -> Result<(), Unwritable> {
        self.out.0.push_str(self.close);
        Ok(())
    }
}

impl<'a> Text {
    fn open(&'a mut self, open: &str, close: &'static str) -> Members<'a> {
        self.0.push_str(open);
        Members { out: self, first: true, close }
    }

    /// `{"variant":` and its members.
    fn variant(&'a mut self, variant: &str, open: &str, close: &'static str) -> Members<'a> {
        self.0.push('{');
        quote(&mut self.0, variant);
        self.open(open, close)
    }

    fn signed(&mut self, n: i64) -> Result<(), Unwritable> {
        if n < 0 {
            self.0.push('-');
        }
        digits(&mut self.0, n.unsigned_abs());
        Ok(())
    }
}

#[wasm_bindgen]
extern "C" {
    /// `JSON.stringify(n)`: a number as JSON writes it (`null` when not finite).
    #[wasm_bindgen(js_namespace = JSON, js_name = stringify)]
    fn number_json(n: f64) -> String;
}

/// Integer writers, each through the widest of its sign.
macro_rules! widen {
    ($($name:ident($ty:ty) => $to:ident),* $(,)?) => {$(
        fn $name(self, v: $ty) -> Result<(), Unwritable> {
            self.$to(v.into())
        }
    )*};
}

impl<'a> serde::Serializer for &'a mut Text {
    type Ok = ();
    type Error = Unwritable;
    type SerializeSeq = Members<'a>;
    type SerializeTuple = Members<'a>;
    type SerializeTupleStruct = Members<'a>;
    type SerializeTupleVariant = Members<'a>;
    type SerializeMap = Members<'a>;
    type SerializeStruct = Members<'a>;
    type SerializeStructVariant = Members<'a>;

    fn serialize_bool(self, v: bool) -> Result<(), Unwritable> {
        self.0.push_str(if v { "true" } else { "false" });
        Ok(())
    }
    widen! {
        serialize_i8(i8) => signed, serialize_i16(i16) => signed, serialize_i32(i32) => signed, serialize_i64(i64) => signed,
        serialize_u8(u8) => serialize_u64, serialize_u16(u16) => serialize_u64, serialize_u32(u32) => serialize_u64,
    }
    fn serialize_u64(self, v: u64) -> Result<(), Unwritable> {
        digits(&mut self.0, v);
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> Result<(), Unwritable> {
        self.serialize_f64(v.into())
    }
    fn serialize_f64(self, v: f64) -> Result<(), Unwritable> {
        self.0.push_str(&number_json(v));
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result<(), Unwritable> {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Result<(), Unwritable> {
        quote(&mut self.0, v);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Unwritable> {
        let mut seq = self.open("[", "]");
        for b in v {
            seq.item(b)?;
        }
        seq.end()
    }
    fn serialize_none(self) -> Result<(), Unwritable> {
        self.serialize_unit()
    }
    fn serialize_some<T: serde::Serialize + ?Sized>(self, value: &T) -> Result<(), Unwritable> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Unwritable> {
        self.0.push_str("null");
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Unwritable> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result<(), Unwritable> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: serde::Serialize + ?Sized>(self, _: &'static str, value: &T) -> Result<(), Unwritable> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: serde::Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Unwritable> {
        let mut object = self.open("{", "}");
        object.field(variant, value)?;
        object.end()
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Members<'a>, Unwritable> {
        Ok(self.open("[", "]"))
    }
    fn serialize_tuple(self, _: usize) -> Result<Members<'a>, Unwritable> {
        Ok(self.open("[", "]"))
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Members<'a>, Unwritable> {
        Ok(self.open("[", "]"))
    }
    fn serialize_tuple_variant(self, _: &'static str, _: u32, variant: &'static str, _: usize) -> Result<Members<'a>, Unwritable> {
        Ok(self.variant(variant, ":[", "]}"))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Members<'a>, Unwritable> {
        Ok(self.open("{", "}"))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Members<'a>, Unwritable> {
        Ok(self.open("{", "}"))
    }
    fn serialize_struct_variant(self, _: &'static str, _: u32, variant: &'static str, _: usize) -> Result<Members<'a>, Unwritable> {
        Ok(self.variant(variant, ":{", "}}"))
    }
}

/// An array's or a tuple's items, one way for each of serde's kinds.
macro_rules! items {
    ($($kind:ident::$method:ident),*) => {$(
        impl serde::ser::$kind for Members<'_> {
            type Ok = ();
            type Error = Unwritable;
            fn $method<T: serde::Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unwritable> {
                self.item(value)
            }
            fn end(self) -> Result<(), Unwritable> {
                Members::end(self)
            }
        }
    )*};
}

items!(SerializeSeq::serialize_element, SerializeTuple::serialize_element, SerializeTupleStruct::serialize_field, SerializeTupleVariant::serialize_field);

/// An object's named fields.
macro_rules! fields {
    ($($kind:ident),*) => {$(
        impl serde::ser::$kind for Members<'_> {
            type Ok = ();
            type Error = Unwritable;
            fn serialize_field<T: serde::Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), Unwritable> {
                self.field(key, value)
            }
            fn end(self) -> Result<(), Unwritable> {
                Members::end(self)
            }
        }
    )*};
}

fields!(SerializeStruct, SerializeStructVariant);

impl serde::ser::SerializeMap for Members<'_> {
    type Ok = ();
    type Error = Unwritable;
    fn serialize_key<T: serde::Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Unwritable> {
        self.comma();
        let at = self.out.0.len();
        key.serialize(&mut *self.out)?;
        if !self.out.0[at..].starts_with('"') {
            return Err(Unwritable("a map key must be a string".into()));
        }
        self.out.0.push(':');
        Ok(())
    }
    fn serialize_value<T: serde::Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unwritable> {
        value.serialize(&mut *self.out)
    }
    fn end(self) -> Result<(), Unwritable> {
        Members::end(self)
    }
}
