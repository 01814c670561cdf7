//! Puppet values as they cross between the compiler and Ruby, and their Ruby runtime form.
//!
//! On the Ruby side every value is what Puppet 7's evaluator hands to Ruby code: `nil` for undef,
//! `:default`, Integer, Float, String, true/false, Array, Hash (insertion order), Regexp, and the
//! shim's objects for the rest (`Puppet::Pops::Types::PSensitiveType::Sensitive`, the `P*Type`
//! classes for type values and resource references, `Puppet::Pops::Time::Timespan`/`Timestamp`,
//! `Puppet::Pops::Types::PBinaryType::Binary`, `SemanticPuppet::Version`/`VersionRange`). The
//! 3.x calling convention (undef as `''` at the top level, regexps as their source) is applied on
//! the Ruby side, where Puppet applies it.

use crate::marshal::Raw;

/// A Puppet value on the bridge.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Undef,
    Default,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    /// A regexp, by its source (Puppet's regexps are Ruby's).
    Regexp(String),
    Array(Vec<Value>),
    /// A hash in insertion order; keys may be any value.
    Hash(Vec<(Value, Value)>),
    Sensitive(Box<Value>),
    /// A type value (including resource and class references).
    Type(TypeRef),
    /// A duration in nanoseconds.
    Timespan(i128),
    /// A point in time in nanoseconds since the epoch (UTC).
    Timestamp(i128),
    Binary(Vec<u8>),
    /// A semantic version, by its string form.
    SemVer(String),
    SemVerRange(String),
    /// A lambda of the calling Puppet code, by the handle the caller gave it, with its
    /// parameters as Ruby describes a proc's (`req`, `opt` or `rest`, and the name): Ruby calls it
    /// back through the `call_block` callback.
    Block {
        id: u64,
        parameters: Vec<(String, String)>,
    },
}

/// A type value in its Ruby form: the `Puppet::Pops::Types` class it is an instance of
/// (`PStringType`), its string form as Puppet prints it (`String[1]`), and the attributes Ruby
/// code reads from resource and class references (`type_name`, `title`, `class_name`).
#[derive(Debug, Clone, PartialEq)]
pub struct TypeRef {
    pub class: String,
    pub repr: String,
    pub attributes: Vec<(String, Value)>,
}

impl TypeRef {
    /// A type value of a Puppet type named `name` (`String`, `Optional`, `Stdlib::Port`).
    pub fn named(name: &str, repr: impl Into<String>) -> TypeRef {
        TypeRef { class: ruby_type_class(name).to_string(), repr: repr.into(), attributes: Vec::new() }
    }

    /// A resource reference `Type['title']` (`type_name` capitalised as Puppet prints it).
    pub fn resource(type_name: &str, title: Option<&str>, repr: impl Into<String>) -> TypeRef {
        let mut attributes = vec![("type_name".to_string(), Value::Str(type_name.to_string()))];
        attributes.push(("title".into(), title.map(|t| Value::Str(t.to_string())).unwrap_or(Value::Undef)));
        TypeRef { class: "PResourceType".into(), repr: repr.into(), attributes }
    }

    /// A class reference `Class['name']`.
    pub fn class(name: Option<&str>, repr: impl Into<String>) -> TypeRef {
        let attributes =
            vec![("class_name".to_string(), name.map(|n| Value::Str(n.to_string())).unwrap_or(Value::Undef))];
        TypeRef { class: "PClassType".into(), repr: repr.into(), attributes }
    }

    /// One of the reference attributes.
    pub fn attribute(&self, name: &str) -> Option<&Value> {
        self.attributes.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }
}

/// The `Puppet::Pops::Types` class that represents Puppet's type `name` at runtime. Aliases (a
/// name with `::`, or one Puppet defines as an alias, such as `Data`) are `PTypeAliasType`.
pub fn ruby_type_class(name: &str) -> &'static str {
    match name {
        "Any" => "PAnyType",
        "Undef" => "PUndefType",
        "Default" => "PDefaultType",
        "Boolean" => "PBooleanType",
        "Integer" => "PIntegerType",
        "Float" => "PFloatType",
        "Numeric" => "PNumericType",
        "String" => "PStringType",
        "Enum" => "PEnumType",
        "Pattern" => "PPatternType",
        "Regexp" => "PRegexpType",
        "Scalar" => "PScalarType",
        "ScalarData" => "PScalarDataType",
        "Array" => "PArrayType",
        "Hash" => "PHashType",
        "Tuple" => "PTupleType",
        "Struct" => "PStructType",
        "Collection" => "PCollectionType",
        "Optional" => "POptionalType",
        "NotUndef" => "PNotUndefType",
        "Variant" => "PVariantType",
        "Callable" => "PCallableType",
        "Type" => "PTypeType",
        "Class" => "PClassType",
        "Resource" => "PResourceType",
        "CatalogEntry" => "PCatalogEntryType",
        "Sensitive" => "PSensitiveType",
        "Iterable" => "PIterableType",
        "Iterator" => "PIteratorType",
        "Runtime" => "PRuntimeType",
        "Timespan" => "PTimespanType",
        "Timestamp" => "PTimestampType",
        "SemVer" => "PSemVerType",
        "SemVerRange" => "PSemVerRangeType",
        "Binary" => "PBinaryType",
        "Init" => "PInitType",
        "Object" => "PObjectType",
        "TypeSet" => "PTypeSetType",
        "Error" => "PObjectType",
        "URI" => "PURIType",
        _ => "PTypeAliasType",
    }
}

const TYPES: &str = "Puppet::Pops::Types::";

fn s(v: &str) -> Raw {
    Raw::Str(Ok(v.to_string()))
}

fn object(class: &str, ivars: Vec<(&str, Raw)>) -> Raw {
    Raw::Object {
        class: class.to_string(),
        ivars: ivars.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
    }
}

/// Nanoseconds as a Ruby Integer (beyond 64 bits only for dates past the year 2262).
fn nanos(n: i128) -> Raw {
    i64::try_from(n).map(Raw::Int).unwrap_or_else(|_| Raw::BigInt(n.to_string()))
}

impl Value {
    /// The value in the Marshal form the worker loads into Puppet's runtime classes.
    pub(crate) fn to_raw(&self) -> Raw {
        match self {
            Value::Undef => Raw::Nil,
            Value::Default => Raw::Symbol("default".into()),
            Value::Bool(b) => Raw::Bool(*b),
            Value::Int(n) => Raw::Int(*n),
            Value::Float(f) => Raw::Float(*f),
            Value::Str(x) => s(x),
            Value::Regexp(source) => Raw::Regexp { source: source.clone(), options: 0 },
            Value::Array(a) => Raw::Array(a.iter().map(Value::to_raw).collect()),
            Value::Hash(h) => Raw::Hash(h.iter().map(|(k, v)| (k.to_raw(), v.to_raw())).collect()),
            Value::Sensitive(v) => {
                object(&format!("{TYPES}PSensitiveType::Sensitive"), vec![("value", v.to_raw())])
            }
            Value::Type(t) => {
                let mut ivars = vec![("s".to_string(), s(&t.repr))];
                ivars.extend(t.attributes.iter().map(|(k, v)| (k.clone(), v.to_raw())));
                Raw::Object { class: format!("{TYPES}{}", t.class), ivars }
            }
            Value::Timespan(n) => object("Puppet::Pops::Time::Timespan", vec![("nsecs", nanos(*n))]),
            Value::Timestamp(n) => object("Puppet::Pops::Time::Timestamp", vec![("nsecs", nanos(*n))]),
            Value::Binary(b) => object(
                &format!("{TYPES}PBinaryType::Binary"),
                vec![("binary_buffer", Raw::Str(Err(b.clone())))],
            ),
            Value::SemVer(v) => object("SemanticPuppet::Version", vec![("s", s(v))]),
            Value::SemVerRange(v) => object("SemanticPuppet::VersionRange", vec![("s", s(v))]),
            Value::Block { id, parameters } => object(
                "Bunraku::Block",
                vec![
                    ("id", Raw::Int(*id as i64)),
                    (
                        "parameters",
                        Raw::Array(parameters.iter().map(|(k, n)| Raw::Array(vec![s(k), s(n)])).collect()),
                    ),
                ],
            ),
        }
    }

    /// The Puppet value of what Ruby code returned, converted as Puppet's evaluator converts a
    /// function's result: `nil` and `:undef` are undef, `:default` is default, other symbols
    /// become strings. Objects Puppet has no value for are an error naming their class.
    pub(crate) fn from_raw(raw: Raw) -> Result<Value, String> {
        Ok(match raw {
            Raw::Nil => Value::Undef,
            Raw::Bool(b) => Value::Bool(b),
            Raw::Int(n) => Value::Int(n),
            Raw::BigInt(digits) => {
                let range = if digits.starts_with('-') { "min" } else { "max" };
                return Err(format!(
                    "Use of a Ruby Integer outside of Puppet Integer {range} range, got '{digits}'"
                ));
            }
            Raw::Float(f) => Value::Float(f),
            Raw::Str(Ok(x)) => Value::Str(x),
            // Binary strings that are valid text are text (Ruby's ASCII-8BIT literals).
            Raw::Str(Err(bytes)) => match String::from_utf8(bytes) {
                Ok(x) => Value::Str(x),
                Err(e) => Value::Binary(e.into_bytes()),
            },
            Raw::Symbol(x) => match x.as_str() {
                "undef" => Value::Undef,
                "default" => Value::Default,
                _ => Value::Str(x),
            },
            Raw::Array(a) => Value::Array(a.into_iter().map(Value::from_raw).collect::<Result<_, _>>()?),
            Raw::Hash(h) => {
                Value::Hash(
                    h.into_iter()
                        .map(|(k, v)| Ok((Value::from_raw(k)?, Value::from_raw(v)?)))
                        .collect::<Result<_, String>>()?,
                )
            }
            Raw::Regexp { source, .. } => Value::Regexp(source),
            Raw::Object { class, ivars } => object_value(class, ivars)?,
        })
    }
}

fn ivar(ivars: &mut Vec<(String, Raw)>, name: &str) -> Raw {
    ivars.iter().position(|(k, _)| k == name).map(|i| ivars.remove(i).1).unwrap_or(Raw::Nil)
}

fn text(raw: Raw) -> String {
    match raw {
        Raw::Str(Ok(x)) | Raw::Symbol(x) => x,
        Raw::Str(Err(b)) => String::from_utf8_lossy(&b).into_owned(),
        _ => String::new(),
    }
}

fn int(raw: Raw) -> i128 {
    match raw {
        Raw::Int(n) => n as i128,
        Raw::BigInt(d) => d.parse().unwrap_or(0),
        _ => 0,
    }
}

fn object_value(class: String, mut ivars: Vec<(String, Raw)>) -> Result<Value, String> {
    if class == format!("{TYPES}PSensitiveType::Sensitive") {
        return Ok(Value::Sensitive(Box::new(Value::from_raw(ivar(&mut ivars, "value"))?)));
    }
    if class == format!("{TYPES}PBinaryType::Binary") {
        return Ok(Value::Binary(match ivar(&mut ivars, "binary_buffer") {
            Raw::Str(Ok(x)) => x.into_bytes(),
            Raw::Str(Err(b)) => b,
            _ => Vec::new(),
        }));
    }
    if let Some(name) = class.strip_prefix(TYPES) {
        if name.starts_with('P') && name.ends_with("Type") && !name.contains("::") {
            let repr = text(ivar(&mut ivars, "s"));
            let attributes = ivars
                .into_iter()
                .map(|(k, v)| Ok((k, Value::from_raw(v)?)))
                .collect::<Result<_, String>>()?;
            return Ok(Value::Type(TypeRef { class: name.to_string(), repr, attributes }));
        }
    }
    Ok(match class.as_str() {
        "Puppet::Pops::Time::Timespan" => Value::Timespan(int(ivar(&mut ivars, "nsecs"))),
        "Puppet::Pops::Time::Timestamp" => Value::Timestamp(int(ivar(&mut ivars, "nsecs"))),
        "SemanticPuppet::Version" => Value::SemVer(text(ivar(&mut ivars, "s"))),
        "SemanticPuppet::VersionRange" => Value::SemVerRange(text(ivar(&mut ivars, "s"))),
        "Bunraku::Block" => {
            let parameters = match ivar(&mut ivars, "parameters") {
                Raw::Array(ps) => ps
                    .into_iter()
                    .filter_map(|p| match p {
                        Raw::Array(mut kn) if kn.len() == 2 => {
                            let name = text(kn.pop()?);
                            Some((text(kn.pop()?), name))
                        }
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            };
            Value::Block { id: int(ivar(&mut ivars, "id")) as u64, parameters }
        }
        _ => return Err(format!("a value of the Ruby class {class}, which Puppet has no value for")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_keep_their_kind_across_the_bridge() {
        let values = vec![
            Value::Undef,
            Value::Default,
            Value::Int(-7),
            Value::Float(2.5),
            Value::Str("x".into()),
            Value::Regexp("^a$".into()),
            Value::Array(vec![Value::Bool(true), Value::Undef]),
            Value::Hash(vec![(Value::Int(1), Value::Str("one".into()))]),
            Value::Sensitive(Box::new(Value::Str("secret".into()))),
            Value::Type(TypeRef::named("String", "String[1]")),
            Value::Type(TypeRef::resource("File", Some("/x"), "File['/x']")),
            Value::Timespan(1_500_000_000),
            Value::Binary(vec![0xff, 0x00]),
            Value::SemVer("1.2.3".into()),
        ];
        for v in values {
            let raw = crate::marshal::load(&crate::marshal::dump(&v.to_raw())).unwrap();
            assert_eq!(Value::from_raw(raw).unwrap(), v);
        }
    }

    #[test]
    fn integers_beyond_puppet_range_are_refused() {
        let e = Value::from_raw(Raw::BigInt("18446744073709551616".into())).unwrap_err();
        assert!(e.contains("outside of Puppet Integer max range"), "{e}");
    }
}
