//! The wire's string parameters read into a request struct through serde: the struct says
//! which parameters it reads (its fields' wire names) and what each is (text, an integer, a
//! list), so there is no second table of parameter names.
//!
//! Each field the struct names is looked up among the parameters: text is taken as it is, an
//! integer must be a decimal that fits in 64 bits, a list is a JSON array of strings in one
//! parameter (as the SDKs send `SourceUrls`; an empty one is read as not sent). A field sent
//! twice, or of the wrong form, is a problem of form: it is left out of the request and
//! reported after any missing parameter, so the documented precedence holds (a missing
//! parameter first, then a malformed one, then the request's own rules).

use serde::de::value::SeqDeserializer;
use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, MapAccess, Visitor};

use super::params::{int, single};
use crate::error::ApiError;

/// Reads the request `R` from `params`, refusing with the documented precedence: a missing
/// parameter first (as `missing` lists them for the request as read), then the first problem
/// of form in the struct's field order.
pub(crate) fn decode<R: DeserializeOwned>(
    params: &[(&str, &str)],
    missing: impl FnOnce(&R) -> Vec<ApiError>,
) -> Result<R, ApiError> {
    let mut left_out: Vec<&'static str> = Vec::new();
    let mut problems: Vec<(&'static str, ApiError)> = Vec::new();
    // Each round leaves out one more field that could not be read; a struct has few fields.
    let request = loop {
        let reader = Params {
            params,
            left_out: &left_out,
        };
        match R::deserialize(reader) {
            Ok(request) => break request,
            Err(Problem::Field { field, problem }) => {
                if left_out.contains(&field) {
                    return Err(internal(format!("the field {field} was read twice")));
                }
                left_out.push(field);
                problems.extend(problem.map(|p| (field, p)));
            }
            Err(Problem::Other(why)) => return Err(internal(why)),
            Err(Problem::Names(_)) => return Err(internal("no request was read".to_owned())),
        }
    };
    // A field with a problem of form was left out, so the request's own rules see it as
    // absent: that is not a missing parameter, it is the problem of form.
    let had_problem = |name: &str| problems.iter().any(|(field, _)| *field == name);
    if let Some(absent) = missing(&request)
        .into_iter()
        .find(|p| matches!(p, ApiError::MissingParameter { field } if !had_problem(field)))
    {
        return Err(absent);
    }
    match problems.into_iter().next() {
        Some((_, problem)) => Err(problem),
        None => Ok(request),
    }
}

/// The wire names of the fields of `R`, in its order: the parameters its action reads.
pub(crate) fn field_names<R: DeserializeOwned>() -> &'static [&'static str] {
    match R::deserialize(FieldNames) {
        Err(Problem::Names(fields)) => fields,
        _ => &[],
    }
}

fn internal(why: String) -> ApiError {
    ApiError::InternalError {
        detail: format!("the parameters did not make a request: {why}").into(),
    }
}

/// Why a request could not be read as it stands.
#[derive(Debug)]
enum Problem {
    /// A field to leave out, with the problem of form to report (`None`: an empty list,
    /// which counts as not sent).
    Field {
        field: &'static str,
        problem: Option<ApiError>,
    },
    /// Anything else: the request type does not fit the wire (a bug, not the caller's).
    Other(String),
    /// What [`FieldNames`] learns: the struct's fields.
    Names(&'static [&'static str]),
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Field { field, .. } => write!(f, "the parameter {field} cannot be read"),
            Self::Other(why) => f.write_str(why),
            Self::Names(_) => f.write_str("only the field names were read"),
        }
    }
}

impl std::error::Error for Problem {}

impl de::Error for Problem {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        Self::Other(msg.to_string())
    }
}

/// The parameters of one call, read as a struct.
struct Params<'p> {
    params: &'p [(&'p str, &'p str)],
    left_out: &'p [&'static str],
}

impl<'de> de::Deserializer<'de> for Params<'_> {
    type Error = Problem;

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Problem> {
        let present = fields.iter().copied().filter(|field| {
            !self.left_out.contains(field) && self.params.iter().any(|(name, _)| name == field)
        });
        visitor.visit_map(Fields {
            params: self.params,
            present: present.collect::<Vec<_>>().into_iter(),
            current: None,
        })
    }

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Problem> {
        Err(Problem::Other("a request is read as a struct".to_owned()))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

/// The fields of a struct that were sent, one at a time.
struct Fields<'p> {
    params: &'p [(&'p str, &'p str)],
    present: std::vec::IntoIter<&'static str>,
    current: Option<&'static str>,
}

impl<'de> MapAccess<'de> for Fields<'_> {
    type Error = Problem;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Problem> {
        let Some(field) = self.present.next() else {
            return Ok(None);
        };
        self.current = Some(field);
        seed.deserialize(field.into_deserializer()).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Problem> {
        let field = self
            .current
            .take()
            .ok_or_else(|| Problem::Other("a value was read before its name".to_owned()))?;
        let text = single(self.params, field)
            .map_err(|problem| Problem::Field {
                field,
                problem: Some(problem),
            })?
            .ok_or_else(|| Problem::Other(format!("{field} was read but not sent")))?;
        seed.deserialize(Value { field, text })
    }
}

/// One parameter's text, read as the field's type asks.
struct Value<'p> {
    field: &'static str,
    text: &'p str,
}

impl Value<'_> {
    fn malformed(&self, why: &'static str) -> Problem {
        Problem::Field {
            field: self.field,
            problem: Some(ApiError::invalid(self.field, why)),
        }
    }
}

impl<'de> de::Deserializer<'de> for Value<'_> {
    type Error = Problem;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Problem> {
        visitor.visit_str(self.text)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Problem> {
        visitor.visit_some(self)
    }

    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Problem> {
        let n = int(self.text).map_err(|why| self.malformed(why))?;
        visitor.visit_i64(n)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Problem> {
        if self.text.is_empty() {
            return Err(Problem::Field {
                field: self.field,
                problem: None,
            });
        }
        let list: Vec<String> = serde_json::from_str(self.text)
            .map_err(|_| self.malformed("must be a JSON array of strings"))?;
        visitor.visit_seq(SeqDeserializer::new(list.into_iter()))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct newtype_struct tuple tuple_struct map struct enum identifier
        ignored_any
    }
}

/// A deserializer that only learns which fields a struct has.
struct FieldNames;

impl<'de> de::Deserializer<'de> for FieldNames {
    type Error = Problem;

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Problem> {
        Err(Problem::Names(fields))
    }

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Problem> {
        Err(Problem::Other("a request is read as a struct".to_owned()))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::pull_to_push::CreateLivePullToPushRequest;

    #[test]
    fn fields_convert_and_problems_come_in_field_order() {
        let params = [
            ("Region", "cn-shanghai"),
            ("SourceUrls", r#"["rtmp://a/b/c"]"#),
            ("RepeatNumber", "1.5"),
            ("Offset", "3"),
            ("Offset", "4"),
            ("Unknown", "x"),
        ];
        let mut seen = Vec::new();
        let err = decode::<CreateLivePullToPushRequest>(&params, |r| {
            seen.push(r.clone());
            Vec::new()
        })
        .unwrap_err();
        assert!(
            matches!(&err, ApiError::InvalidParameter { field, .. } if field == "RepeatNumber")
        );
        let [read] = seen.as_slice() else {
            panic!("read {} times", seen.len())
        };
        assert_eq!(read.region.as_deref(), Some("cn-shanghai"));
        assert_eq!(read.source_urls, Some(vec!["rtmp://a/b/c".to_owned()]));
        assert_eq!((read.repeat_number, read.offset), (None, None));
    }

    #[test]
    fn an_empty_list_is_not_sent_and_a_missing_field_comes_first() {
        let params = [("SourceUrls", ""), ("RepeatNumber", "x")];
        let err = decode::<CreateLivePullToPushRequest>(&params, |r| {
            assert!(r.source_urls.is_none());
            vec![
                ApiError::missing("Region"),
                ApiError::missing("RepeatNumber"),
            ]
        })
        .unwrap_err();
        assert!(matches!(err, ApiError::MissingParameter { field } if field == "Region"));
    }

    #[test]
    fn field_names_are_the_wire_names_in_order() {
        let names = field_names::<crate::edge::ListEdgeTranscodeJobRequest>();
        assert_eq!(
            names,
            [
                "ClusterId",
                "Keyword",
                "Status",
                "Type",
                "PageNo",
                "PageSize",
                "SortBy"
            ]
        );
    }
}
