//! YAML as Puppet reads Hiera data: Ruby Psych's YAML 1.1 scalar rules (`yes` is true, `0755` is
//! 493, `1:20` is 4800, `1e3` stays a string, an unquoted date is an error), `<<` merge keys,
//! anchors and aliases, and keys kept in file order.
//!
//! yaml-rust2 supplies the events only; every scalar is resolved here, because no YAML 1.2 library
//! resolves plain scalars the way Psych's `ScalarScanner#tokenize` does.

use std::collections::HashMap;

use indexmap::IndexMap;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser, Tag};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use crate::value::Value;

/// A YAML document that Puppet would refuse, with its 1-based line and column.
#[derive(Debug, Clone, PartialEq)]
pub struct YamlError {
    pub message: String,
    pub line: usize,
    pub column: usize,
}

/// Parses the first document of `text`; an empty stream is `None` (Psych's `false`).
pub fn parse(text: &str) -> Result<Option<Value>, YamlError> {
    let mut events = Events::default();
    let mut parser = Parser::new_from_str(text);
    parser.load(&mut events, false).map_err(|e| YamlError {
        message: e.info().to_string(),
        line: e.marker().line(),
        column: e.marker().col() + 1,
    })?;
    let mut builder = Builder { events: &events.list, pos: 0, anchors: HashMap::new() };
    // Skip StreamStart and DocumentStart.
    while let Some((ev, _)) = builder.events.get(builder.pos) {
        match ev {
            Event::StreamStart | Event::DocumentStart | Event::Nothing => builder.pos += 1,
            Event::StreamEnd => return Ok(None),
            _ => break,
        }
    }
    if builder.pos >= builder.events.len() {
        return Ok(None);
    }
    builder.node().map(Some)
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

struct Builder<'a> {
    events: &'a [(Event, Marker)],
    pos: usize,
    anchors: HashMap<usize, Value>,
}

impl Builder<'_> {
    fn error(&self, mark: &Marker, message: impl Into<String>) -> YamlError {
        YamlError { message: message.into(), line: mark.line(), column: mark.col() + 1 }
    }

    fn node(&mut self) -> Result<Value, YamlError> {
        let Some((ev, mark)) = self.events.get(self.pos) else {
            return Ok(Value::Undef);
        };
        self.pos += 1;
        match ev {
            Event::Alias(id) => {
                self.anchors.get(id).cloned().ok_or_else(|| self.error(mark, "unknown alias"))
            }
            Event::Scalar(text, style, anchor, tag) => {
                let v = scalar(text, *style, tag.as_ref()).map_err(|m| self.error(mark, m))?;
                if *anchor > 0 {
                    self.anchors.insert(*anchor, v.clone());
                }
                Ok(v)
            }
            Event::SequenceStart(anchor, _) => {
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
                let v = Value::Array(items);
                if *anchor > 0 {
                    self.anchors.insert(*anchor, v.clone());
                }
                Ok(v)
            }
            Event::MappingStart(anchor, _) => {
                let mut map = IndexMap::new();
                // `<<` merges: keys written in the mapping itself win over merged ones.
                let mut merged: Vec<IndexMap<Value, Value>> = Vec::new();
                loop {
                    match self.events.get(self.pos) {
                        Some((Event::MappingEnd, _)) => {
                            self.pos += 1;
                            break;
                        }
                        None => return Err(self.error(mark, "unterminated mapping")),
                        _ => {
                            let is_merge = matches!(
                                self.events.get(self.pos),
                                Some((Event::Scalar(k, TScalarStyle::Plain, _, None), _)) if k == "<<"
                            );
                            let key = self.node()?;
                            let value = self.node()?;
                            if is_merge {
                                match value {
                                    Value::Hash(h) => merged.push(h),
                                    Value::Array(list) => {
                                        for item in list {
                                            if let Value::Hash(h) = item {
                                                merged.push(h);
                                            }
                                        }
                                    }
                                    other => {
                                        map.insert(key, other);
                                    }
                                }
                                continue;
                            }
                            map.insert(key, value);
                        }
                    }
                }
                if !merged.is_empty() {
                    let mut out = IndexMap::new();
                    for h in merged {
                        for (k, v) in h {
                            out.entry(k).or_insert(v);
                        }
                    }
                    for (k, v) in map {
                        out.insert(k, v);
                    }
                    map = out;
                }
                let v = Value::Hash(map);
                if *anchor > 0 {
                    self.anchors.insert(*anchor, v.clone());
                }
                Ok(v)
            }
            _ => Err(self.error(mark, "unexpected YAML event")),
        }
    }
}

/// Resolves one scalar: quoted and block scalars are strings; plain ones go through [`tokenize`].
fn scalar(text: &str, style: TScalarStyle, tag: Option<&Tag>) -> Result<Value, String> {
    if let Some(tag) = tag {
        let name = format!("{}{}", tag.handle, tag.suffix);
        return match name.as_str() {
            "!!str" | "tag:yaml.org,2002:str" => Ok(Value::Str(text.to_string())),
            "!!int" | "tag:yaml.org,2002:int" => match tokenize(text)? {
                v @ Value::Int(_) => Ok(v),
                _ => Ok(Value::Str(text.to_string())),
            },
            "!!float" | "tag:yaml.org,2002:float" => {
                Ok(text.parse::<f64>().map(Value::Float).unwrap_or(Value::Str(text.to_string())))
            }
            "!!bool" | "tag:yaml.org,2002:bool" => tokenize(text),
            "!!null" | "tag:yaml.org,2002:null" => Ok(Value::Undef),
            "!" => Ok(Value::Str(text.to_string())),
            other => Err(format!("Tried to load unspecified class: {}", other.trim_start_matches('!'))),
        };
    }
    match style {
        TScalarStyle::Plain => tokenize(text),
        _ => Ok(Value::Str(text.to_string())),
    }
}

/// Psych 4's `ScalarScanner#tokenize` (Ruby 3.1) for a plain scalar.
pub fn tokenize(s: &str) -> Result<Value, String> {
    if s.is_empty() || s == "~" {
        return Ok(Value::Undef);
    }
    let first = s.chars().next().unwrap_or(' ');
    // Psych's "looks like a word" test: an optional non-digit lead then letters and punctuation.
    let wordish = {
        let mut chars = s.chars();
        let lead_ok = |c: char| {
            c.is_alphabetic() || c == '_' || c.is_whitespace() || "!@#$%^&*(){}<>|/\\~;=".contains(c)
        };
        match chars.next() {
            Some(c) if lead_ok(c) => true,
            Some(c) if !c.is_ascii_digit() && !matches!(c, '.' | ':' | '-') => {
                chars.next().is_some_and(lead_ok)
            }
            _ => false,
        }
    };
    if wordish || s.contains('\n') {
        if s.len() > 5 {
            return Ok(Value::Str(s.to_string()));
        }
        let lower = s.to_ascii_lowercase();
        if !matches!(first.to_ascii_lowercase(), 'y' | 't' | 'o' | 'n' | 'f' | '~') {
            return Ok(Value::Str(s.to_string()));
        }
        return Ok(match lower.as_str() {
            "null" => Value::Undef,
            "yes" | "true" | "on" => Value::Bool(true),
            "no" | "false" | "off" => Value::Bool(false),
            _ => Value::Str(s.to_string()),
        });
    }
    if is_time(s) || is_date(s) {
        let class = if is_date(s) { "Date" } else { "Time" };
        return Err(format!("Tried to load unspecified class: {class}"));
    }
    match s.to_ascii_lowercase().as_str() {
        ".inf" | "+.inf" => return Ok(Value::Float(f64::INFINITY)),
        "-.inf" => return Ok(Value::Float(f64::NEG_INFINITY)),
        ".nan" => return Ok(Value::Float(f64::NAN)),
        _ => {}
    }
    if let Some(sym) = s.strip_prefix(':') {
        if !sym.is_empty() {
            // Symbols are permitted; Puppet sees their names.
            let sym = sym.trim_matches(|c| c == '"' || c == '\'');
            return Ok(Value::Str(sym.to_string()));
        }
    }
    if let Some(v) = sexagesimal(s) {
        return Ok(v);
    }
    if is_float(s) {
        if s == "." || s == "-." || s == "+." {
            return Ok(Value::Str(s.to_string()));
        }
        let cleaned: String = s.chars().filter(|c| *c != '_' && *c != ',').collect();
        let cleaned = cleaned.replace(".e", "e").replace(".E", "E");
        let cleaned = cleaned.strip_suffix('.').unwrap_or(&cleaned);
        return Ok(cleaned.parse::<f64>().map(Value::Float).unwrap_or(Value::Str(s.to_string())));
    }
    if let Some(i) = integer(s) {
        return Ok(Value::Int(i));
    }
    Ok(Value::Str(s.to_string()))
}

fn is_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 3
        && parts[0].len() == 4
        && parts.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        && (1..=2).contains(&parts[1].len())
        && (1..=2).contains(&parts[2].len())
}

fn is_time(s: &str) -> bool {
    let s = s.strip_prefix('-').unwrap_or(s);
    let Some(date) = s.get(..10) else { return false };
    if !is_date(date) {
        return false;
    }
    let rest = &s[10..];
    let rest = rest.strip_prefix(['T', 't']).unwrap_or_else(|| rest.trim_start());
    rest.len() >= 7 && rest.as_bytes().get(rest.find(':').unwrap_or(0)) == Some(&b':')
}

/// `1:20` (4800: Psych's base-60 with its exponent quirk), `1:20:30`.
fn sexagesimal(s: &str) -> Option<Value> {
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    let parts: Vec<&str> = body.split(':').collect();
    if !(2..=3).contains(&parts.len()) {
        return None;
    }
    let head_ok = parts[0].starts_with(|c: char| c.is_ascii_digit())
        && parts[0].bytes().all(|b| b.is_ascii_digit() || b == b'_');
    let tail_ok = parts[1..].iter().all(|p| {
        (1..=2).contains(&p.len())
            && p.bytes().all(|b| b.is_ascii_digit())
            && (p.len() == 1 || p.as_bytes()[0] <= b'5')
    });
    if !head_ok || !tail_ok {
        return None;
    }
    let mut total: i64 = 0;
    for (e, n) in parts.iter().enumerate() {
        let n: i64 = n.replace('_', "").parse().ok()?;
        let exp = (e as i32 - 2).unsigned_abs();
        total = total.checked_add(n.checked_mul(60i64.checked_pow(exp)?)?)?;
    }
    // Ruby's `to_i` of the leading part ignores the sign: "-1:20" sums parts of "-1" and "20".
    if s.starts_with('-') {
        let first: i64 = parts[0].replace('_', "").parse().ok()?;
        total -= 2 * first * 3600;
    }
    Some(Value::Int(total))
}

/// Psych's FLOAT: `[-+]?([0-9][0-9_,]*)?\.[0-9]*([eE][-+][0-9]+)?`.
fn is_float(s: &str) -> bool {
    let b = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (int_part, rest) = match b.find('.') {
        Some(i) => (&b[..i], &b[i + 1..]),
        None => return false,
    };
    let int_ok = int_part.is_empty()
        || int_part.as_bytes()[0].is_ascii_digit()
            && int_part.bytes().all(|c| c.is_ascii_digit() || c == b'_' || c == b',');
    if !int_ok {
        return false;
    }
    let digits_end = rest.bytes().position(|c| !c.is_ascii_digit()).unwrap_or(rest.len());
    let exp = &rest[digits_end..];
    if exp.is_empty() {
        return true;
    }
    let Some(e) = exp.strip_prefix(['e', 'E']) else { return false };
    let Some(d) = e.strip_prefix(['-', '+']) else { return false };
    !d.is_empty() && d.bytes().all(|c| c.is_ascii_digit())
}

/// Psych's INTEGER (binary, octal, decimal, hex; `_` and `,` ignored), parsed as Ruby's `Integer()`.
fn integer(s: &str) -> Option<i64> {
    let (neg, b) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let clean = |t: &str| t.chars().filter(|c| *c != '_' && *c != ',').collect::<String>();
    let (radix, digits) = if let Some(h) = b.strip_prefix("0x") {
        if !h.bytes().all(|c| c.is_ascii_hexdigit() || c == b'_' || c == b',') {
            return None;
        }
        (16, clean(h))
    } else if let Some(bin) = b.strip_prefix("0b") {
        if !bin.bytes().all(|c| matches!(c, b'0' | b'1' | b'_' | b',')) {
            return None;
        }
        (2, clean(bin))
    } else if b.len() > 1 && b.starts_with('0') {
        if !b.bytes().all(|c| (b'0'..=b'7').contains(&c) || c == b'_' || c == b',') {
            return None;
        }
        (8, clean(b))
    } else {
        if !b.starts_with(|c: char| c.is_ascii_digit())
            || !b.bytes().all(|c| c.is_ascii_digit() || c == b'_' || c == b',')
        {
            return None;
        }
        (10, clean(b))
    };
    if digits.is_empty() {
        return None;
    }
    let v = i64::from_str_radix(&digits, radix).ok()?;
    Some(if neg { -v } else { v })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(s: &str) -> Value {
        match parse(&format!("k: {s}\n")).unwrap().unwrap() {
            Value::Hash(h) => h.values().next().cloned().unwrap(),
            _ => panic!("not a hash"),
        }
    }

    #[test]
    fn scalars_resolve_like_psych() {
        assert_eq!(one("yes"), Value::Bool(true));
        assert_eq!(one("On"), Value::Bool(true));
        assert_eq!(one("off"), Value::Bool(false));
        assert_eq!(one("y"), Value::Str("y".into()));
        assert_eq!(one("0755"), Value::Int(493));
        assert_eq!(one("010"), Value::Int(8));
        assert_eq!(one("09"), Value::Str("09".into()));
        assert_eq!(one("0x1F"), Value::Int(31));
        assert_eq!(one("0b101"), Value::Int(5));
        assert_eq!(one("1_000"), Value::Int(1000));
        assert_eq!(one("1:20"), Value::Int(4800));
        assert_eq!(one("1e3"), Value::Str("1e3".into()));
        assert_eq!(one("1.5"), Value::Float(1.5));
        assert_eq!(one("~"), Value::Undef);
        assert_eq!(one(""), Value::Undef);
        assert_eq!(one("'0755'"), Value::Str("0755".into()));
        assert_eq!(one("-12"), Value::Int(-12));
        assert_eq!(one("1.2.3"), Value::Str("1.2.3".into()));
        assert_eq!(one("'%{facts.x}'"), Value::Str("%{facts.x}".into()));
        assert!(parse("k: 2001-01-01\n").is_err());
    }

    #[test]
    fn merge_keys_anchors_and_order() {
        let v = parse("a: &x {p: 1, q: 2}\nb:\n  <<: *x\n  q: 3\nz: 0\n").unwrap().unwrap();
        let Value::Hash(h) = v else { panic!() };
        let keys: Vec<String> = h.keys().map(|k| k.to_display_string()).collect();
        assert_eq!(keys, ["a", "b", "z"]);
        let b = &h[&Value::Str("b".into())];
        assert_eq!(b.to_string(), "{p => 1, q => 3}");
        assert_eq!(parse("").unwrap(), None);
    }
}
