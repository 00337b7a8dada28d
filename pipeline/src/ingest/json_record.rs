//! One JSON Lines record, keeping only the fields the corpus reads. Everything else is skipped
//! while it is parsed: a `serde_json::Value` of a 60 MB line of `[0,0,...]` or of a million keys
//! takes gigabytes, this takes the fields read. A key given twice keeps its last value, as a
//! `Value` object does.

use std::fmt;

use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// A field's value, as far as the corpus cares.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    Str(String),
    /// A number, as `serde_json` writes it.
    Num(String),
    /// Anything else, by its JSON type name (`null`, `boolean`, `array`, `object`).
    Other(&'static str),
}

impl Scalar {
    /// The JSON type name.
    pub fn json_type(&self) -> &'static str {
        match self {
            Scalar::Str(_) => "string",
            Scalar::Num(_) => "number",
            Scalar::Other(t) => t,
        }
    }
}

/// The metadata fields, by name (a name absent from the record is absent here).
pub const META_FIELDS: [&str; 6] = ["outlet", "title", "url", "published", "date", "published_precision"];

/// A record that is a JSON object, or the type of a line that is not one.
#[derive(Debug, Clone, PartialEq)]
pub enum Line {
    Record(Record),
    NotObject(&'static str),
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Record {
    pub id: Option<Scalar>,
    pub text: Option<Scalar>,
    /// `metadata`, if it is an object: its [`META_FIELDS`] present, by index.
    pub metadata: Option<[Option<Scalar>; 6]>,
    /// The same fields at the top level.
    pub top: [Option<Scalar>; 6],
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_str<E>(self, v: &str) -> Result<Scalar, E> {
        Ok(Scalar::Str(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Scalar, E> {
        Ok(Scalar::Str(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Scalar, E> {
        Ok(Scalar::Num(serde_json::Number::from(v).to_string()))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Scalar, E> {
        Ok(Scalar::Num(serde_json::Number::from(v).to_string()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Scalar, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Scalar::Other("number"), |n| Scalar::Num(n.to_string())))
    }
    fn visit_bool<E>(self, _: bool) -> Result<Scalar, E> {
        Ok(Scalar::Other("boolean"))
    }
    fn visit_unit<E>(self) -> Result<Scalar, E> {
        Ok(Scalar::Other("null"))
    }
    fn visit_none<E>(self) -> Result<Scalar, E> {
        Ok(Scalar::Other("null"))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Scalar::Other("array"))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scalar, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Scalar::Other("object"))
    }
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Scalar, D::Error> {
        d.deserialize_any(ScalarVisitor)
    }
}

/// The `metadata` value: its fields if it is an object, else nothing.
struct Meta(Option<[Option<Scalar>; 6]>);

impl<'de> Deserialize<'de> for Meta {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Meta, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Meta;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Meta, A::Error> {
                let mut fields: [Option<Scalar>; 6] = Default::default();
                while let Some(key) = map.next_key::<Key>()? {
                    match META_FIELDS.iter().position(|f| *f == key.0) {
                        Some(i) => fields[i] = Some(map.next_value()?),
                        None => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(Meta(Some(fields)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Meta, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Meta(None))
            }
            fn visit_str<E>(self, _: &str) -> Result<Meta, E> {
                Ok(Meta(None))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Meta, E> {
                Ok(Meta(None))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Meta, E> {
                Ok(Meta(None))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Meta, E> {
                Ok(Meta(None))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Meta, E> {
                Ok(Meta(None))
            }
            fn visit_unit<E>(self) -> Result<Meta, E> {
                Ok(Meta(None))
            }
        }
        d.deserialize_any(V)
    }
}

/// An object key, borrowed from the line where it has no escapes.
struct Key<'de>(std::borrow::Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Key<'de>, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Owned(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

impl<'de> Deserialize<'de> for Line {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Line, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Line;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Line, A::Error> {
                let mut r = Record::default();
                while let Some(key) = map.next_key::<Key>()? {
                    match key.0.as_ref() {
                        "id" => r.id = Some(map.next_value()?),
                        "text" => r.text = Some(map.next_value()?),
                        "metadata" => r.metadata = map.next_value::<Meta>()?.0,
                        k => match META_FIELDS.iter().position(|f| *f == k) {
                            Some(i) => r.top[i] = Some(map.next_value()?),
                            None => {
                                map.next_value::<IgnoredAny>()?;
                            }
                        },
                    }
                }
                Ok(Line::Record(r))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Line, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Line::NotObject("array"))
            }
            fn visit_str<E>(self, _: &str) -> Result<Line, E> {
                Ok(Line::NotObject("string"))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Line, E> {
                Ok(Line::NotObject("number"))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Line, E> {
                Ok(Line::NotObject("number"))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Line, E> {
                Ok(Line::NotObject("number"))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Line, E> {
                Ok(Line::NotObject("boolean"))
            }
            fn visit_unit<E>(self) -> Result<Line, E> {
                Ok(Line::NotObject("null"))
            }
        }
        d.deserialize_any(V)
    }
}

impl Record {
    /// A metadata field: from `metadata` where it has the name (even with an unusable value),
    /// else from the top level.
    pub fn field(&self, name: &str) -> Option<&Scalar> {
        let i = META_FIELDS.iter().position(|f| *f == name)?;
        match &self.metadata {
            Some(m) if m[i].is_some() => m[i].as_ref(),
            _ => self.top[i].as_ref(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Line, serde_json::Error> {
        serde_json::from_str(s)
    }

    #[test]
    fn keeps_the_fields_read_and_skips_the_rest() {
        let Line::Record(r) = parse(r#"{"id": 7, "x": [1, {"y": [2]}], "text": "a", "text": "b\u00e9", "metadata": {"outlet": "W", "url": null, "z": {}}, "url": "u", "title": "T"}"#).unwrap() else {
            panic!("a record")
        };
        assert_eq!(r.id, Some(Scalar::Num("7".into())));
        assert_eq!(r.text, Some(Scalar::Str("bé".into())), "the last of a repeated key");
        assert_eq!(r.field("outlet"), Some(&Scalar::Str("W".into())));
        assert_eq!(r.field("url"), Some(&Scalar::Other("null")), "metadata has the name: the top level is not used");
        assert_eq!(r.field("title"), Some(&Scalar::Str("T".into())));
        assert_eq!(r.field("published"), None);
        let Line::Record(r) = parse(r#"{"text": [1, 2], "metadata": "flat", "id": 1.5e3}"#).unwrap() else { panic!() };
        assert_eq!((r.text.map(|t| t.json_type()), r.metadata, r.id), (Some("array"), None, Some(Scalar::Num("1500.0".into()))));
    }

    #[test]
    fn lines_that_are_not_objects_or_not_json() {
        assert_eq!(parse("[1, 2]").unwrap(), Line::NotObject("array"));
        assert_eq!(parse("\"s\"").unwrap(), Line::NotObject("string"));
        assert!(parse("{\"text\": \"a\"} x").is_err(), "trailing characters");
        assert!(parse("{\"text\": \"\\ud800\"}").is_err(), "a lone surrogate");
        assert!(parse(&"[".repeat(100_000)).is_err(), "deep nesting is an error, not a stack overflow");
        let deep = format!("{{\"text\": \"a\", \"x\": {}1{}}}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(matches!(parse(&deep), Ok(Line::Record(_))), "a field not read may nest deeper than serde_json's recursion limit");
    }
}
