//! Ruby's `Marshal` format (version 4.8), the subset the bridge exchanges with its workers.
//!
//! The worker is plain CRuby: `Marshal.load` and `Marshal.dump` are its fastest (C) codec, and
//! they build the shim's runtime classes (`Puppet::Pops::Types::PSensitiveType::Sensitive`,
//! the `P*Type` classes) straight from `o` records, so the Ruby side has no decoder to maintain.
//! This module writes what the worker loads and reads what it dumps: nil, booleans, integers
//! (fixnum and bignum), floats, strings (UTF-8 or binary), symbols, arrays, hashes, regexps,
//! plain objects with instance variables, and the back-references Ruby emits for repeated objects.

use std::collections::HashMap;

use thiserror::Error;

/// A decoded Marshal value, before it is given a Puppet meaning.
#[derive(Debug, Clone, PartialEq)]
pub enum Raw {
    Nil,
    Bool(bool),
    Int(i64),
    /// An Integer beyond 64 bits, as decimal digits with its sign.
    BigInt(String),
    Float(f64),
    /// A string: `Ok` for UTF-8 (or US-ASCII) text, `Err` for other encodings and binary data.
    Str(Result<String, Vec<u8>>),
    Symbol(String),
    Array(Vec<Raw>),
    Hash(Vec<(Raw, Raw)>),
    Regexp {
        source: String,
        options: u8,
    },
    /// An object of a Ruby class with its instance variables (names without the `@`).
    Object {
        class: String,
        ivars: Vec<(String, Raw)>,
    },
}

/// A Marshal stream that is not in the subset, or is cut short.
#[derive(Debug, Error, PartialEq)]
#[error("bad Marshal data at byte {offset}: {message}")]
pub struct MarshalError {
    pub offset: usize,
    pub message: String,
}

/// Encodes one value as a complete Marshal document.
pub fn dump(value: &Raw) -> Vec<u8> {
    let mut w = Writer { out: vec![4, 8], symbols: HashMap::new() };
    w.value(value);
    w.out
}

/// Decodes one complete Marshal document.
pub fn load(bytes: &[u8]) -> Result<Raw, MarshalError> {
    if bytes.len() < 2 || bytes[0] != 4 || bytes[1] != 8 {
        return Err(MarshalError { offset: 0, message: "not Marshal 4.8".into() });
    }
    let mut r = Reader { bytes, pos: 2, symbols: Vec::new(), objects: Vec::new() };
    let v = r.value()?;
    if r.pos != bytes.len() {
        return Err(r.err("trailing bytes"));
    }
    Ok(v)
}

struct Writer {
    out: Vec<u8>,
    symbols: HashMap<String, usize>,
}

impl Writer {
    fn long(&mut self, n: i64) {
        // Marshal's packed integer: small values in one byte, others as 1-4 little-endian bytes
        // preceded by their count (negated for negative numbers).
        match n {
            0 => self.out.push(0),
            1..=122 => self.out.push((n + 5) as u8),
            -123..=-1 => self.out.push((n - 5) as u8),
            _ => {
                let mut bytes = Vec::new();
                let mut x = n;
                for _ in 0..4 {
                    bytes.push((x & 0xff) as u8);
                    x >>= 8;
                    if (n >= 0 && x == 0) || (n < 0 && x == -1) {
                        break;
                    }
                }
                let len = bytes.len() as i8;
                self.out.push(if n >= 0 { len as u8 } else { (-len) as u8 });
                self.out.extend(bytes);
            }
        }
    }

    fn bytes(&mut self, b: &[u8]) {
        self.long(b.len() as i64);
        self.out.extend_from_slice(b);
    }

    fn symbol(&mut self, name: &str) {
        if let Some(&i) = self.symbols.get(name) {
            self.out.push(b';');
            self.long(i as i64);
            return;
        }
        let i = self.symbols.len();
        self.symbols.insert(name.to_string(), i);
        self.out.push(b':');
        self.bytes(name.as_bytes());
    }

    fn utf8_string(&mut self, s: &str) {
        self.out.push(b'I');
        self.out.push(b'"');
        self.bytes(s.as_bytes());
        self.long(1);
        self.symbol("E");
        self.out.push(b'T');
    }

    fn value(&mut self, v: &Raw) {
        match v {
            Raw::Nil => self.out.push(b'0'),
            Raw::Bool(true) => self.out.push(b'T'),
            Raw::Bool(false) => self.out.push(b'F'),
            Raw::Int(n) if (-(1i64 << 30)..(1i64 << 30)).contains(n) => {
                self.out.push(b'i');
                self.long(*n);
            }
            Raw::Int(n) => self.bignum(n.is_negative(), &n.unsigned_abs().to_le_bytes()),
            Raw::BigInt(digits) => {
                // Only produced by reading; written back as the nearest float would lose digits,
                // so keep it as text for the worker (it never receives one from Puppet values).
                self.utf8_string(digits)
            }
            Raw::Float(f) => {
                self.out.push(b'f');
                let text = if f.is_nan() {
                    "nan".to_string()
                } else if f.is_infinite() {
                    if *f > 0.0 { "inf" } else { "-inf" }.to_string()
                } else if *f == 0.0 && f.is_sign_negative() {
                    "-0".to_string()
                } else {
                    format!("{f:?}")
                };
                self.bytes(text.as_bytes());
            }
            Raw::Str(Ok(s)) => self.utf8_string(s),
            Raw::Str(Err(b)) => {
                self.out.push(b'"');
                self.bytes(b);
            }
            Raw::Symbol(s) => self.symbol(s),
            Raw::Array(a) => {
                self.out.push(b'[');
                self.long(a.len() as i64);
                for x in a {
                    self.value(x);
                }
            }
            Raw::Hash(h) => {
                self.out.push(b'{');
                self.long(h.len() as i64);
                for (k, x) in h {
                    self.value(k);
                    self.value(x);
                }
            }
            Raw::Regexp { source, options } => {
                self.out.push(b'I');
                self.out.push(b'/');
                self.bytes(source.as_bytes());
                self.out.push(*options);
                self.long(1);
                self.symbol("E");
                self.out.push(b'F');
            }
            Raw::Object { class, ivars } => {
                self.out.push(b'o');
                self.symbol(class);
                self.long(ivars.len() as i64);
                for (name, x) in ivars {
                    self.symbol(&format!("@{name}"));
                    self.value(x);
                }
            }
        }
    }

    fn bignum(&mut self, negative: bool, le_bytes: &[u8]) {
        let mut bytes = le_bytes.to_vec();
        while bytes.len() > 1 && bytes.last() == Some(&0) {
            bytes.pop();
        }
        if bytes.len() % 2 == 1 {
            bytes.push(0);
        }
        self.out.push(b'l');
        self.out.push(if negative { b'-' } else { b'+' });
        self.long((bytes.len() / 2) as i64);
        self.out.extend(bytes);
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
    symbols: Vec<String>,
    /// Every object that can be referenced by `@`, in the order Ruby numbered them.
    objects: Vec<Raw>,
}

impl Reader<'_> {
    fn err(&self, message: &str) -> MarshalError {
        MarshalError { offset: self.pos, message: message.to_string() }
    }

    fn byte(&mut self) -> Result<u8, MarshalError> {
        let b = *self.bytes.get(self.pos).ok_or_else(|| self.err("unexpected end"))?;
        self.pos += 1;
        Ok(b)
    }

    fn long(&mut self) -> Result<i64, MarshalError> {
        let c = self.byte()? as i8;
        Ok(match c {
            0 => 0,
            5..=127 => c as i64 - 5,
            -128..=-5 => c as i64 + 5,
            1..=4 => {
                let mut n: i64 = 0;
                for i in 0..c {
                    n |= (self.byte()? as i64) << (8 * i);
                }
                n
            }
            _ => {
                let count = -c;
                let mut n: i64 = -1;
                for i in 0..count {
                    n &= !(0xff << (8 * i));
                    n |= (self.byte()? as i64) << (8 * i);
                }
                n
            }
        })
    }

    fn raw_bytes(&mut self) -> Result<&[u8], MarshalError> {
        let len = self.long()?;
        if len < 0 || self.pos + len as usize > self.bytes.len() {
            return Err(self.err("bad length"));
        }
        let start = self.pos;
        self.pos += len as usize;
        Ok(&self.bytes[start..self.pos])
    }

    fn symbol(&mut self) -> Result<String, MarshalError> {
        match self.byte()? {
            b':' => self.symbol_body(),
            b';' => {
                let i = self.long()?;
                self.symbols.get(i as usize).cloned().ok_or_else(|| self.err("bad symbol link"))
            }
            // A symbol with an encoding (`I:`): non-ASCII symbol names.
            b'I' => {
                if self.byte()? != b':' {
                    return Err(self.err("expected a symbol"));
                }
                let s = self.symbol_body()?;
                let n = self.long()?;
                for _ in 0..n {
                    self.symbol()?;
                    self.value()?;
                }
                Ok(s)
            }
            _ => Err(self.err("expected a symbol")),
        }
    }

    fn symbol_body(&mut self) -> Result<String, MarshalError> {
        let s = String::from_utf8_lossy(self.raw_bytes()?).into_owned();
        self.symbols.push(s.clone());
        Ok(s)
    }

    /// Reserves the object-table slot of an object being read (Ruby numbers it before its
    /// contents), and fills it once the object is complete.
    fn reserve(&mut self) -> usize {
        self.objects.push(Raw::Nil);
        self.objects.len() - 1
    }

    fn value(&mut self) -> Result<Raw, MarshalError> {
        let tag = self.byte()?;
        Ok(match tag {
            b'0' => Raw::Nil,
            b'T' => Raw::Bool(true),
            b'F' => Raw::Bool(false),
            b'i' => Raw::Int(self.long()?),
            b':' => Raw::Symbol(self.symbol_body()?),
            b';' => {
                let i = self.long()?;
                Raw::Symbol(self.symbols.get(i as usize).cloned().ok_or_else(|| self.err("bad symbol link"))?)
            }
            b'@' => {
                let i = self.long()?;
                self.objects.get(i as usize).cloned().ok_or_else(|| self.err("bad object link"))?
            }
            b'I' => {
                // An object with instance variables: for strings and regexps, the encoding.
                let slot = self.objects.len();
                let inner = self.value()?;
                let n = self.long()?;
                let mut utf8 = false;
                for _ in 0..n {
                    let name = self.symbol()?;
                    self.value()?;
                    // `E` is UTF-8 (true) or US-ASCII (false, valid UTF-8 by construction);
                    // `encoding` names any other encoding, whose bytes stay bytes.
                    if name == "E" {
                        utf8 = true;
                    }
                }
                let v = match inner {
                    Raw::Str(Err(bytes)) if utf8 => match String::from_utf8(bytes) {
                        Ok(s) => Raw::Str(Ok(s)),
                        Err(e) => Raw::Str(Err(e.into_bytes())),
                    },
                    other => other,
                };
                if slot < self.objects.len() {
                    self.objects[slot] = v.clone();
                }
                v
            }
            b'"' => {
                let slot = self.reserve();
                let v = Raw::Str(Err(self.raw_bytes()?.to_vec()));
                self.objects[slot] = v.clone();
                v
            }
            b'f' => {
                let slot = self.reserve();
                let text = String::from_utf8_lossy(self.raw_bytes()?).into_owned();
                let f = match text.as_str() {
                    "nan" => f64::NAN,
                    "inf" => f64::INFINITY,
                    "-inf" => f64::NEG_INFINITY,
                    t => t.parse().map_err(|_| self.err("bad float"))?,
                };
                self.objects[slot] = Raw::Float(f);
                Raw::Float(f)
            }
            b'l' => {
                let slot = self.reserve();
                let sign = self.byte()?;
                let words = self.long()?;
                if words < 0 {
                    return Err(self.err("bad bignum"));
                }
                let mut bytes = Vec::with_capacity(words as usize * 2);
                for _ in 0..words * 2 {
                    bytes.push(self.byte()?);
                }
                let v = bignum(sign == b'-', &bytes);
                self.objects[slot] = v.clone();
                v
            }
            b'[' => {
                let slot = self.reserve();
                let n = self.long()?;
                let mut a = Vec::with_capacity(n.clamp(0, 1 << 16) as usize);
                for _ in 0..n {
                    a.push(self.value()?);
                }
                let v = Raw::Array(a);
                self.objects[slot] = v.clone();
                v
            }
            b'{' | b'}' => {
                let slot = self.reserve();
                let n = self.long()?;
                let mut h = Vec::with_capacity(n.clamp(0, 1 << 16) as usize);
                for _ in 0..n {
                    let k = self.value()?;
                    let v = self.value()?;
                    h.push((k, v));
                }
                if tag == b'}' {
                    self.value()?; // the default value, which Puppet's hashes do not carry
                }
                let v = Raw::Hash(h);
                self.objects[slot] = v.clone();
                v
            }
            b'/' => {
                let slot = self.reserve();
                let source = String::from_utf8_lossy(self.raw_bytes()?).into_owned();
                let options = self.byte()?;
                let v = Raw::Regexp { source, options };
                self.objects[slot] = v.clone();
                v
            }
            b'o' => {
                let slot = self.reserve();
                let class = self.symbol()?;
                let n = self.long()?;
                let mut ivars = Vec::new();
                for _ in 0..n {
                    let name = self.symbol()?;
                    let v = self.value()?;
                    ivars.push((name.trim_start_matches('@').to_string(), v));
                }
                let v = Raw::Object { class, ivars };
                self.objects[slot] = v.clone();
                v
            }
            b'C' => {
                // A subclass of String, Array, Hash or Regexp: read as its base class.
                self.symbol()?;
                self.value()?
            }
            b'e' => {
                self.symbol()?;
                self.value()?
            }
            other => return Err(self.err(&format!("unsupported type byte {:?}", other as char))),
        })
    }
}

/// A bignum from its little-endian magnitude: an `Int` when it fits in 64 bits.
fn bignum(negative: bool, le: &[u8]) -> Raw {
    let mut magnitude: u128 = 0;
    let fits = le.iter().skip(16).all(|b| *b == 0);
    if fits {
        for (i, b) in le.iter().take(16).enumerate() {
            magnitude |= (*b as u128) << (8 * i);
        }
        let signed = if negative { -(magnitude as i128) } else { magnitude as i128 };
        if let Ok(n) = i64::try_from(signed) {
            return Raw::Int(n);
        }
        return Raw::BigInt(signed.to_string());
    }
    // Beyond 128 bits: decimal digits by repeated division of the little-endian words.
    let mut words: Vec<u32> =
        le.chunks(4).map(|c| c.iter().rev().fold(0u32, |a, b| (a << 8) | *b as u32)).collect();
    let mut digits = Vec::new();
    while words.iter().any(|w| *w != 0) {
        let mut rem: u64 = 0;
        for w in words.iter_mut().rev() {
            let cur = (rem << 32) | *w as u64;
            *w = (cur / 10) as u32;
            rem = cur % 10;
        }
        digits.push(b'0' + rem as u8);
    }
    digits.reverse();
    let text = String::from_utf8(digits).unwrap_or_default();
    Raw::BigInt(if negative { format!("-{text}") } else { text })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roundtrip(v: Raw) {
        assert_eq!(load(&dump(&v)).unwrap(), v);
    }

    #[test]
    fn values_survive_a_round_trip() {
        for n in [0, 1, 122, 123, -123, -124, 255, 256, -256, 65535, 1 << 29, (1 << 30) - 1, -(1 << 30)] {
            roundtrip(Raw::Int(n));
        }
        roundtrip(Raw::Int(1 << 30));
        roundtrip(Raw::Int(i64::MAX));
        roundtrip(Raw::Int(i64::MIN + 1));
        roundtrip(Raw::Float(1.5));
        roundtrip(Raw::Float(-0.25e-10));
        roundtrip(Raw::Str(Ok("héllo".into())));
        roundtrip(Raw::Str(Err(vec![0xff, 0])));
        roundtrip(Raw::Array(vec![
            Raw::Nil,
            Raw::Bool(true),
            Raw::Symbol("a".into()),
            Raw::Symbol("a".into()),
        ]));
        roundtrip(Raw::Hash(vec![(Raw::Str(Ok("k".into())), Raw::Array(vec![]))]));
        roundtrip(Raw::Object {
            class: "Puppet::Pops::Types::PStringType".into(),
            ivars: vec![("s".into(), Raw::Str(Ok("String".into())))],
        });
        roundtrip(Raw::Regexp { source: "^a.*$".into(), options: 0 });
    }

    /// Bytes from `ruby -e 'print Marshal.dump(...)'` on Ruby 3.1.
    #[test]
    fn reads_what_ruby_writes() {
        // Marshal.dump([1, -1, 300, -300, 2**40, "x", :y, :y, 1.5, nil])
        let bytes = b"\x04\x08[\x0fi\x06i\xfai\x02,\x01i\xfe\xd4\xfel+\x08\x00\x00\x00\x00\x00\x01I\"\x06x\x06:\x06ET:\x06y;\x06f\x081.50";
        let v = load(bytes).unwrap();
        assert_eq!(
            v,
            Raw::Array(vec![
                Raw::Int(1),
                Raw::Int(-1),
                Raw::Int(300),
                Raw::Int(-300),
                Raw::Int(1 << 40),
                Raw::Str(Ok("x".into())),
                Raw::Symbol("y".into()),
                Raw::Symbol("y".into()),
                Raw::Float(1.5),
                Raw::Nil,
            ])
        );
        // s = "a"; Marshal.dump([s, s]): the second is an object link.
        let bytes = b"\x04\x08[\x07I\"\x06a\x06:\x06ET@\x06";
        assert_eq!(
            load(bytes).unwrap(),
            Raw::Array(vec![Raw::Str(Ok("a".into())), Raw::Str(Ok("a".into()))])
        );
    }

    #[test]
    fn large_bignums_read_as_decimal_text() {
        // 2**130
        let mut le = vec![0u8; 16];
        le.push(4);
        le.push(0);
        assert_eq!(bignum(false, &le), Raw::BigInt("1361129467683753853853498429727072845824".into()));
        assert_eq!(bignum(true, &[0, 0, 0, 0, 0, 0, 0, 0x80]), Raw::Int(i64::MIN));
    }
}
