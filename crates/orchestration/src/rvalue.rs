//! Ruby values as MCollective puts them on the wire, and their YAML as Ruby's Psych writes and
//! reads it.
//!
//! MCollective's messages are Ruby hashes keyed by symbols (`:body`, `:requestid`, …) whose values
//! mix symbols, strings and numbers; with `plugin.ssl_serializer = yaml` they travel as
//! `YAML.dump` output and are read back with `YAML.safe_load(msg, [Symbol, Regexp])`. A symbol and a
//! string of the same text are different keys to Ruby, so the model keeps them apart. We write
//! every string double-quoted (Psych reads a quoted scalar as a string whatever its text) and every
//! symbol as a plain `:name` (or `:"name"` when the name needs quoting), so what we write reads
//! back as exactly the values we meant; we read Psych's plain scalars with Psych's rules for the
//! types that occur here (nil, booleans, integers, floats, symbols).

use std::fmt::Write as _;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser, Tag};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// A Ruby value of the kinds MCollective exchanges.
#[derive(Debug, Clone, PartialEq)]
pub enum RValue {
    Nil,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Sym(String),
    /// A `Regexp` (filters may carry one); the source without slashes.
    Regexp(String),
    Array(Vec<RValue>),
    /// A hash in insertion order (Ruby's hashes are ordered).
    Hash(Vec<(RValue, RValue)>),
}

impl RValue {
    pub fn str(s: impl Into<String>) -> RValue {
        RValue::Str(s.into())
    }

    pub fn sym(s: impl Into<String>) -> RValue {
        RValue::Sym(s.into())
    }

    pub fn hash() -> RValue {
        RValue::Hash(Vec::new())
    }

    /// Sets `key` (replacing an equal key), for building hashes.
    pub fn with(mut self, key: RValue, value: RValue) -> RValue {
        self.set(key, value);
        self
    }

    /// Sets `key` in a hash, replacing an equal key; no effect on other values.
    pub fn set(&mut self, key: RValue, value: RValue) {
        if let RValue::Hash(entries) = self {
            if let Some(e) = entries.iter_mut().find(|(k, _)| *k == key) {
                e.1 = value;
            } else {
                entries.push((key, value));
            }
        }
    }

    /// The value under `key` in a hash.
    pub fn get(&self, key: &RValue) -> Option<&RValue> {
        match self {
            RValue::Hash(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The value under the symbol `name`, or else under the string `name`: MCollective reads
    /// both (`msg[:body][:action] || msg[:body]["action"]`).
    pub fn field(&self, name: &str) -> Option<&RValue> {
        self.get(&RValue::Sym(name.to_string())).or_else(|| self.get(&RValue::Str(name.to_string())))
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            RValue::Str(s) | RValue::Sym(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self {
            RValue::Int(i) => Some(*i),
            RValue::Float(f) => Some(*f as i64),
            RValue::Str(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[RValue]> {
        match self {
            RValue::Array(a) => Some(a),
            _ => None,
        }
    }

    pub fn entries(&self) -> &[(RValue, RValue)] {
        match self {
            RValue::Hash(e) => e,
            _ => &[],
        }
    }

    /// Ruby's truthiness: everything but `nil` and `false`.
    pub fn truthy(&self) -> bool {
        !matches!(self, RValue::Nil | RValue::Bool(false))
    }

    /// The value as JSON (symbols become strings), for `--json` output and our own agents.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            RValue::Nil => J::Null,
            RValue::Bool(b) => J::Bool(*b),
            RValue::Int(i) => J::from(*i),
            RValue::Float(f) => serde_json::Number::from_f64(*f).map(J::Number).unwrap_or(J::Null),
            RValue::Str(s) | RValue::Sym(s) => J::String(s.clone()),
            RValue::Regexp(s) => J::String(format!("/{s}/")),
            RValue::Array(a) => J::Array(a.iter().map(RValue::to_json).collect()),
            RValue::Hash(e) => J::Object(
                e.iter()
                    .map(|(k, v)| {
                        let key = match k {
                            RValue::Str(s) | RValue::Sym(s) => s.clone(),
                            other => other.to_json().to_string(),
                        };
                        (key, v.to_json())
                    })
                    .collect(),
            ),
        }
    }

    /// JSON as Ruby data: objects become hashes keyed by strings, as `JSON.parse` gives.
    pub fn from_json(v: &serde_json::Value) -> RValue {
        use serde_json::Value as J;
        match v {
            J::Null => RValue::Nil,
            J::Bool(b) => RValue::Bool(*b),
            J::Number(n) => {
                n.as_i64().map(RValue::Int).unwrap_or_else(|| RValue::Float(n.as_f64().unwrap_or(0.0)))
            }
            J::String(s) => RValue::Str(s.clone()),
            J::Array(a) => RValue::Array(a.iter().map(RValue::from_json).collect()),
            J::Object(o) => {
                RValue::Hash(o.iter().map(|(k, v)| (RValue::Str(k.clone()), RValue::from_json(v))).collect())
            }
        }
    }

    /// Ruby's `inspect`-like text for display (`mco rpc` prints values this way).
    pub fn display(&self) -> String {
        match self {
            RValue::Nil => String::new(),
            RValue::Bool(b) => b.to_string(),
            RValue::Int(i) => i.to_string(),
            RValue::Float(f) => f.to_string(),
            RValue::Str(s) => s.clone(),
            RValue::Sym(s) => format!(":{s}"),
            RValue::Regexp(s) => format!("/{s}/"),
            other => serde_json::to_string(&other.to_json()).unwrap_or_default(),
        }
    }
}

impl From<&str> for RValue {
    fn from(s: &str) -> RValue {
        RValue::Str(s.to_string())
    }
}

impl From<String> for RValue {
    fn from(s: String) -> RValue {
        RValue::Str(s)
    }
}

impl From<i64> for RValue {
    fn from(i: i64) -> RValue {
        RValue::Int(i)
    }
}

impl From<bool> for RValue {
    fn from(b: bool) -> RValue {
        RValue::Bool(b)
    }
}

/// A document Psych would not produce or we cannot read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("YAML at line {line}, column {column}: {message}")]
pub struct YamlError {
    pub message: String,
    pub line: usize,
    pub column: usize,
}

/// `YAML.dump(value)`: a `---` document.
pub fn dump(value: &RValue) -> String {
    let mut out = String::from("---");
    match value {
        RValue::Hash(e) if !e.is_empty() => {
            out.push('\n');
            write_block(&mut out, value, 0);
        }
        RValue::Array(a) if !a.is_empty() => {
            out.push('\n');
            write_block(&mut out, value, 0);
        }
        other => {
            out.push(' ');
            write_inline(&mut out, other);
            out.push('\n');
        }
    }
    out
}

fn indent(out: &mut String, n: usize) {
    for _ in 0..n {
        out.push(' ');
    }
}

/// Writes a non-empty hash or array as block YAML at `level` spaces, one entry per line.
fn write_block(out: &mut String, value: &RValue, level: usize) {
    match value {
        RValue::Hash(entries) => {
            for (k, v) in entries {
                indent(out, level);
                write_key(out, k);
                out.push(':');
                write_child(out, v, level + 2, false);
            }
        }
        RValue::Array(items) => {
            for v in items {
                indent(out, level);
                out.push('-');
                write_child(out, v, level + 2, true);
            }
        }
        _ => {}
    }
}

fn write_child(out: &mut String, v: &RValue, level: usize, in_seq: bool) {
    match v {
        RValue::Hash(e) if !e.is_empty() => {
            if in_seq {
                // Psych writes a hash inside a list compactly: "- key: value".
                out.push(' ');
                let mut first = String::new();
                write_block(&mut first, v, level);
                out.push_str(first.trim_start());
            } else {
                out.push('\n');
                write_block(out, v, level);
            }
        }
        RValue::Array(a) if !a.is_empty() => {
            out.push('\n');
            // Psych indents a list under a hash key at the key's level.
            write_block(out, v, if in_seq { level } else { level - 2 });
        }
        other => {
            out.push(' ');
            write_inline(out, other);
            out.push('\n');
        }
    }
}

fn write_key(out: &mut String, k: &RValue) {
    match k {
        RValue::Hash(_) | RValue::Array(_) => {
            // Complex keys do not occur in MCollective's messages; write them as a quoted string.
            write_quoted(out, &k.display());
        }
        other => write_inline(out, other),
    }
}

fn write_inline(out: &mut String, v: &RValue) {
    match v {
        RValue::Nil => {}
        RValue::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        RValue::Int(i) => {
            let _ = write!(out, "{i}");
        }
        RValue::Float(f) => {
            if f.is_nan() {
                out.push_str(".nan");
            } else if f.is_infinite() {
                out.push_str(if *f > 0.0 { ".inf" } else { "-.inf" });
            } else if f.fract() == 0.0 && f.abs() < 1e16 {
                let _ = write!(out, "{f:.1}");
            } else {
                let _ = write!(out, "{f}");
            }
        }
        RValue::Str(s) => write_quoted(out, s),
        RValue::Sym(s) => {
            if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                out.push(':');
                out.push_str(s);
            } else {
                out.push(':');
                write_quoted(out, s);
            }
        }
        RValue::Regexp(s) => {
            out.push_str("!ruby/regexp ");
            write_quoted(out, &format!("/{s}/"));
        }
        RValue::Hash(e) if e.is_empty() => out.push_str("{}"),
        RValue::Array(a) if a.is_empty() => out.push_str("[]"),
        RValue::Hash(_) | RValue::Array(_) => {
            // Nested non-empty collections in flow position: JSON is valid YAML flow syntax, but
            // would lose symbols; write_child never calls here for them.
            write_quoted(out, &v.display());
        }
    }
}

fn write_quoted(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\0' => out.push_str("\\0"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\x{:02X}", c as u32);
            }
            // Psych reads non-ASCII in double quotes verbatim; NEL and the Unicode line separators
            // would be folded, so escape them.
            '\u{85}' => out.push_str("\\N"),
            '\u{2028}' => out.push_str("\\L"),
            '\u{2029}' => out.push_str("\\P"),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// `YAML.safe_load(text, [Symbol, Regexp])`: the first document; an empty stream is nil.
pub fn load(text: &str) -> Result<RValue, YamlError> {
    let mut events = Events::default();
    let mut parser = Parser::new_from_str(text);
    parser.load(&mut events, false).map_err(|e| YamlError {
        message: e.info().to_string(),
        line: e.marker().line(),
        column: e.marker().col() + 1,
    })?;
    let mut b = Builder { events: &events.list, pos: 0, anchors: Vec::new(), depth: 0 };
    while let Some((ev, _)) = b.events.get(b.pos) {
        match ev {
            Event::StreamStart | Event::DocumentStart | Event::Nothing => b.pos += 1,
            Event::StreamEnd => return Ok(RValue::Nil),
            _ => break,
        }
    }
    if b.pos >= b.events.len() {
        return Ok(RValue::Nil);
    }
    b.node()
}

#[derive(Default)]
struct Events {
    list: Vec<(Event, Marker)>,
}

impl MarkedEventReceiver for Events {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        self.list.push((ev, mark));
    }
}

/// Nesting beyond this is refused: a message is data from the network.
const MAX_DEPTH: usize = 64;

struct Builder<'a> {
    events: &'a [(Event, Marker)],
    pos: usize,
    anchors: Vec<(usize, RValue)>,
    depth: usize,
}

impl Builder<'_> {
    fn error(&self, mark: &Marker, message: impl Into<String>) -> YamlError {
        YamlError { message: message.into(), line: mark.line(), column: mark.col() + 1 }
    }

    fn node(&mut self) -> Result<RValue, YamlError> {
        let Some((ev, mark)) = self.events.get(self.pos) else {
            return Ok(RValue::Nil);
        };
        self.pos += 1;
        match ev {
            Event::Alias(id) => {
                // Psych's safe_load refuses aliases unless asked; so do we.
                let _ = id;
                Err(self.error(mark, "aliases are not allowed in a message"))
            }
            Event::Scalar(text, style, anchor, tag) => {
                let v = scalar(text, *style, tag.as_ref()).map_err(|m| self.error(mark, m))?;
                if *anchor > 0 {
                    self.anchors.push((*anchor, v.clone()));
                }
                Ok(v)
            }
            Event::SequenceStart(_, tag) => {
                if let Some(t) = tag {
                    if !t.suffix.is_empty() && t.suffix != "seq" {
                        return Err(self.error(mark, format!("tag {}{} is not allowed", t.handle, t.suffix)));
                    }
                }
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    return Err(self.error(mark, "nested too deeply"));
                }
                let mut items = Vec::new();
                loop {
                    match self.events.get(self.pos) {
                        Some((Event::SequenceEnd, _)) => {
                            self.pos += 1;
                            break;
                        }
                        None => return Err(self.error(mark, "unterminated sequence")),
                        _ => items.push(self.node()?),
                    }
                }
                self.depth -= 1;
                Ok(RValue::Array(items))
            }
            Event::MappingStart(_, tag) => {
                if let Some(t) = tag {
                    if !t.suffix.is_empty() && t.suffix != "map" {
                        return Err(self.error(mark, format!("tag {}{} is not allowed", t.handle, t.suffix)));
                    }
                }
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    return Err(self.error(mark, "nested too deeply"));
                }
                let mut map = RValue::hash();
                loop {
                    match self.events.get(self.pos) {
                        Some((Event::MappingEnd, _)) => {
                            self.pos += 1;
                            break;
                        }
                        None => return Err(self.error(mark, "unterminated mapping")),
                        _ => {
                            let k = self.node()?;
                            let v = self.node()?;
                            map.set(k, v);
                        }
                    }
                }
                self.depth -= 1;
                Ok(map)
            }
            other => Err(self.error(mark, format!("unexpected YAML event {other:?}"))),
        }
    }
}

/// One scalar by Psych's rules for the types `safe_load` permits here.
fn scalar(text: &str, style: TScalarStyle, tag: Option<&Tag>) -> Result<RValue, String> {
    if let Some(tag) = tag {
        let name = format!("{}{}", tag.handle, tag.suffix);
        return match name.as_str() {
            "!ruby/regexp" => {
                let t = text.trim();
                let inner = t.strip_prefix('/').and_then(|r| r.rfind('/').map(|i| &r[..i])).unwrap_or(t);
                Ok(RValue::Regexp(inner.to_string()))
            }
            "!ruby/symbol" | "!ruby/sym" => Ok(RValue::Sym(text.to_string())),
            "tag:yaml.org,2002:str" | "!!str" | "!str" => Ok(RValue::Str(text.to_string())),
            "tag:yaml.org,2002:binary" | "!binary" | "!!binary" => {
                use base64::Engine as _;
                let clean: String = text.chars().filter(|c| !c.is_whitespace()).collect();
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(clean)
                    .map_err(|e| format!("bad !binary: {e}"))?;
                Ok(RValue::Str(String::from_utf8_lossy(&bytes).into_owned()))
            }
            "tag:yaml.org,2002:int" | "!!int" => {
                text.trim().parse().map(RValue::Int).map_err(|e| e.to_string())
            }
            "tag:yaml.org,2002:float" | "!!float" => {
                text.trim().parse().map(RValue::Float).map_err(|e| e.to_string())
            }
            other => Err(format!("tag {other} is not allowed")),
        };
    }
    if style != TScalarStyle::Plain {
        return Ok(RValue::Str(text.to_string()));
    }
    Ok(plain(text))
}

/// Psych's `ScalarScanner#tokenize` for a plain scalar, for the types that matter here.
fn plain(text: &str) -> RValue {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return RValue::Nil,
        "true" | "True" | "TRUE" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => return RValue::Bool(true),
        "false" | "False" | "FALSE" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => {
            return RValue::Bool(false)
        }
        ".inf" | ".Inf" | ".INF" | "+.inf" => return RValue::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => return RValue::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return RValue::Float(f64::NAN),
        _ => {}
    }
    if let Some(rest) = text.strip_prefix(':') {
        if rest.len() > 1
            && ((rest.starts_with('"') && rest.ends_with('"'))
                || (rest.starts_with('\'') && rest.ends_with('\'')))
        {
            let inner = &rest[1..rest.len() - 1];
            return RValue::Sym(unescape_double(inner));
        }
        if !rest.is_empty() {
            return RValue::Sym(rest.to_string());
        }
    }
    let digits = text.replace('_', "");
    let body = digits.strip_prefix(['-', '+']).unwrap_or(&digits);
    if !body.is_empty() && body.bytes().all(|b| b.is_ascii_digit()) {
        // Psych: a leading 0 is octal.
        if body.len() > 1 && body.starts_with('0') {
            if let Ok(i) = i64::from_str_radix(body, 8) {
                return RValue::Int(if digits.starts_with('-') { -i } else { i });
            }
        } else if let Ok(i) = digits.parse::<i64>() {
            return RValue::Int(i);
        }
    }
    if let Some(hex) = body.strip_prefix("0x") {
        if let Ok(i) = i64::from_str_radix(hex, 16) {
            return RValue::Int(if digits.starts_with('-') { -i } else { i });
        }
    }
    let float_like = body.contains('.')
        && body
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b'e' || b == b'E' || b == b'-' || b == b'+')
        && body.bytes().next().is_some_and(|b| b.is_ascii_digit() || b == b'.');
    if float_like {
        if let Ok(f) = digits.parse::<f64>() {
            return RValue::Float(f);
        }
    }
    RValue::Str(text.to_string())
}

fn unescape_double(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(o) => out.push(o),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_keeps_symbols_and_strings_apart() {
        let v = RValue::hash()
            .with(RValue::sym("body"), RValue::str("---\n:x: 1\n"))
            .with(RValue::sym("filter"), RValue::hash().with(RValue::str("fact"), RValue::Array(vec![])))
            .with(RValue::str(":not_a_symbol"), RValue::str("123"))
            .with(RValue::sym("ttl"), RValue::Int(60))
            .with(
                RValue::sym("list"),
                RValue::Array(vec![
                    RValue::hash()
                        .with(RValue::sym("fact"), RValue::str("os"))
                        .with(RValue::sym("value"), RValue::str("x")),
                    RValue::Nil,
                    RValue::Bool(true),
                ]),
            )
            .with(
                RValue::sym("nested"),
                RValue::hash()
                    .with(RValue::sym("a"), RValue::hash().with(RValue::sym("b"), RValue::Float(1.5))),
            );
        let text = dump(&v);
        assert_eq!(load(&text).unwrap(), v, "{text}");
    }

    #[test]
    fn reads_psych_plain_scalars() {
        let text = "---\n:msgtime: 1700000000\n:agent: discovery\n:ttl: 60\n:flag: true\n:none: \n:s: '12'\n";
        let v = load(text).unwrap();
        assert_eq!(v.field("msgtime"), Some(&RValue::Int(1700000000)));
        assert_eq!(v.field("agent"), Some(&RValue::str("discovery")));
        assert_eq!(v.field("flag"), Some(&RValue::Bool(true)));
        assert_eq!(v.field("none"), Some(&RValue::Nil));
        assert_eq!(v.field("s"), Some(&RValue::str("12")));
    }

    #[test]
    fn refuses_foreign_tags() {
        assert!(load("--- !ruby/object:File {}\n").is_err());
        assert!(load("---\n:a: !ruby/object:Foo\n  x: 1\n").is_err());
    }
}
