//! The length of the longest string anywhere in a serialisable value, found by a serializer
//! that looks at nothing but strings.
//!
//! The cap ([`super::cap`]) asks this of every diagnosis before it is shown or written. Going
//! through serde keeps the answer right for fields added later; going through a JSON
//! writer (even into nothing) made it scan every byte for escapes, a seventh of a
//! 100 000-message trace's run.

use serde::ser::{self, Serialize};

/// The byte length of the longest string (or map key) in `value`.
///
/// # Errors
/// When `value`'s own `Serialize` fails.
pub fn longest_string<T: Serialize + ?Sized>(value: &T) -> Result<usize, Error> {
    let mut longest = Longest(0);
    value.serialize(&mut longest)?;
    Ok(longest.0)
}

/// A `Serialize` implementation's own error.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Error(String);

impl ser::Error for Error {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        Self(msg.to_string())
    }
}

/// The serializer: the longest length so far.
struct Longest(usize);

impl Longest {
    fn string(&mut self, len: usize) {
        self.0 = self.0.max(len);
    }
}

/// Scalars say nothing about string lengths.
macro_rules! ignore {
    ($($name:ident: $ty:ty),* $(,)?) => {
        $(fn $name(self, _: $ty) -> Result<(), Error> {
            Ok(())
        })*
    };
}

impl ser::Serializer for &mut Longest {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    ignore!(
        serialize_bool: bool,
        serialize_i8: i8,
        serialize_i16: i16,
        serialize_i32: i32,
        serialize_i64: i64,
        serialize_i128: i128,
        serialize_u8: u8,
        serialize_u16: u16,
        serialize_u32: u32,
        serialize_u64: u64,
        serialize_u128: u128,
        serialize_f32: f32,
        serialize_f64: f64,
    );

    fn serialize_char(self, v: char) -> Result<(), Error> {
        self.string(v.len_utf8());
        Ok(())
    }

    fn serialize_str(self, v: &str) -> Result<(), Error> {
        self.string(v.len());
        Ok(())
    }

    fn serialize_bytes(self, v: &[u8]) -> Result<(), Error> {
        self.string(v.len());
        Ok(())
    }

    fn serialize_none(self) -> Result<(), Error> {
        Ok(())
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), Error> {
        Ok(())
    }

    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Error> {
        Ok(())
    }

    fn serialize_unit_variant(self, _: &'static str, _: u32, v: &'static str) -> Result<(), Error> {
        self.string(v.len());
        Ok(())
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Self, Error> {
        Ok(self)
    }

    fn serialize_tuple(self, _: usize) -> Result<Self, Error> {
        Ok(self)
    }

    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self, Error> {
        Ok(self)
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self, Error> {
        Ok(self)
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Self, Error> {
        Ok(self)
    }

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, Error> {
        Ok(self)
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self, Error> {
        Ok(self)
    }

    fn collect_str<T: std::fmt::Display + ?Sized>(self, value: &T) -> Result<(), Error> {
        self.string(value.to_string().len());
        Ok(())
    }
}

/// Every compound form visits its elements with the same serializer.
macro_rules! compound {
    ($trait:ident, $method:ident $(, $key:ty)?) => {
        impl ser::$trait for &mut Longest {
            type Ok = ();
            type Error = Error;

            fn $method<T: Serialize + ?Sized>(&mut self, $(_: $key,)? value: &T) -> Result<(), Error> {
                value.serialize(&mut **self)
            }

            fn end(self) -> Result<(), Error> {
                Ok(())
            }
        }
    };
}

compound!(SerializeSeq, serialize_element);
compound!(SerializeTuple, serialize_element);
compound!(SerializeTupleStruct, serialize_field);
compound!(SerializeTupleVariant, serialize_field);
compound!(SerializeStruct, serialize_field, &'static str);
compound!(SerializeStructVariant, serialize_field, &'static str);

impl ser::SerializeMap for &mut Longest {
    type Ok = ();
    type Error = Error;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        key.serialize(&mut **self)
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        value.serialize(&mut **self)
    }

    fn end(self) -> Result<(), Error> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[derive(serde::Serialize)]
    enum Shape {
        Named { label: String },
        Pair(u8, String),
    }

    #[derive(serde::Serialize)]
    struct Nested {
        short: &'static str,
        list: Vec<Option<String>>,
        map: BTreeMap<String, u32>,
        shapes: Vec<Shape>,
    }

    fn nested(list: &str, key: &str, label: &str, pair: &str) -> Nested {
        Nested {
            short: "abc",
            list: vec![None, Some(list.to_owned())],
            map: BTreeMap::from([(key.to_owned(), 1)]),
            shapes: vec![
                Shape::Named {
                    label: label.to_owned(),
                },
                Shape::Pair(1, pair.to_owned()),
            ],
        }
    }

    #[test]
    fn finds_the_longest_string_wherever_it_is() {
        let long = "x".repeat(40);
        assert_eq!(longest_string(&nested(&long, "k", "l", "p")).unwrap(), 40);
        assert_eq!(longest_string(&nested("a", &long, "l", "p")).unwrap(), 40);
        assert_eq!(longest_string(&nested("a", "k", &long, "p")).unwrap(), 40);
        assert_eq!(longest_string(&nested("a", "k", "l", &long)).unwrap(), 40);
        // Field names are not values; the struct's own `short` is the longest here.
        assert_eq!(longest_string(&nested("a", "k", "l", "p")).unwrap(), 3);
    }

    #[test]
    fn agrees_with_the_json_of_a_diagnosis() {
        let mut d = crate::export::fixture::minimal();
        d.verdict.headline = "h".repeat(1000);
        let json: serde_json::Value = serde_json::to_value(&d).unwrap();
        let mut longest = 0;
        let mut stack = vec![&json];
        while let Some(v) = stack.pop() {
            match v {
                serde_json::Value::String(s) => longest = longest.max(s.len()),
                serde_json::Value::Array(a) => stack.extend(a),
                serde_json::Value::Object(o) => stack.extend(o.values()),
                _ => {}
            }
        }
        assert_eq!(longest_string(&d).unwrap(), longest);
    }
}
