//! Decoders for the large things agents send: the facts of a catalog request and reports.
//!
//! A catalog request carries its facts in a form body, encoded twice (Puppet's agent
//! `uri_query_encode`s the JSON, then form-encodes the whole body), and fact sets run to
//! megabytes. They are decoded here in one streaming pass from the request's bytes straight into
//! [`Facts`]: no decoded copy of the body, of the parameter or of the JSON text is ever held, so
//! the memory a request costs is its body plus the facts themselves (see
//! `tests/facts_memory.rs`). The other parameters of the body are copied as usual, the facts
//! left out.

use std::io::Read;

use bunraku_model::{Facts, Report};

/// Why a body could not be decoded; the message names what was wrong.
#[derive(Debug, thiserror::Error)]
pub enum WireError {
    /// The `facts_format` is not JSON (Puppet 7 agents send `application/json`).
    #[error("Unsupported facts_format '{0}'")]
    FactsFormat(String),
    /// The facts are not a JSON facts document.
    #[error("{0}")]
    Facts(String),
    /// The report is not UTF-8 JSON in Puppet's report format.
    #[error("{0}")]
    Report(String),
}

/// The still-encoded value of the first `key` in a form-encoded body (or query string), without
/// copying it; keys are compared decoded.
pub fn raw_form_value<'a>(form: &'a [u8], key: &str) -> Option<&'a [u8]> {
    form.split(|b| *b == b'&').find_map(|pair| {
        let (k, v) = match pair.iter().position(|b| *b == b'=') {
            Some(eq) => (&pair[..eq], &pair[eq + 1..]),
            None => (pair, &pair[pair.len()..]),
        };
        form_key_is(k, key).then_some(v)
    })
}

/// Whether a form-encoded key decodes to `key` (keys are short: decoding them costs nothing).
fn form_key_is(raw: &[u8], key: &str) -> bool {
    if raw.len() == key.len() && !raw.contains(&b'%') && !raw.contains(&b'+') {
        return raw == key.as_bytes();
    }
    PercentDecoder::new(raw.iter().copied(), true).eq(key.bytes())
}

/// Every parameter of a form-encoded body except `skip`, decoded, in order.
pub fn form_params_except(form: &[u8], skip: &str) -> Vec<(String, String)> {
    form.split(|b| *b == b'&')
        .filter(|pair| {
            let key = pair.split(|b| *b == b'=').next().unwrap_or(pair);
            !pair.is_empty() && !form_key_is(key, skip)
        })
        .flat_map(|pair| form_urlencoded::parse(pair).map(|(k, v)| (k.into_owned(), v.into_owned())))
        .collect()
}

/// Decodes the facts of a catalog request from the raw (form-encoded) `facts` value: form
/// decoding, then the agent's own percent-encoding (skipped when the value is already JSON, as
/// some clients send it), then JSON, all in one pass.
pub fn catalog_facts(raw: &[u8], facts_format: Option<&str>) -> Result<Facts, WireError> {
    match facts_format {
        None | Some("application/json") | Some("json") | Some("pson") | Some("text/pson") => {}
        Some(other) => return Err(WireError::FactsFormat(other.to_string())),
    }
    let mut once = PercentDecoder::new(raw.iter().copied(), true).peekable();
    // Leading whitespace decides nothing: skip it to see whether JSON starts here already.
    while once.next_if(|b| b.is_ascii_whitespace()).is_some() {}
    let facts = if once.peek() == Some(&b'{') {
        serde_json::from_reader(IterReader(once))
    } else {
        serde_json::from_reader(IterReader(PercentDecoder::new(once, false)))
    };
    facts.map_err(|e| WireError::Facts(e.to_string()))
}

/// Decodes a report PUT's body (JSON or PSON, which is JSON for reports).
pub fn report(body: &[u8]) -> Result<Report, WireError> {
    let text = std::str::from_utf8(body).map_err(|_| WireError::Report("not UTF-8".into()))?;
    Report::from_json(text).map_err(|e| WireError::Report(e.to_string()))
}

/// Decodes `%XX` escapes (and, for form encoding, `+` as a space) from a byte stream; a `%` not
/// followed by two hex digits stays as it is, as `form_urlencoded` and `percent_encoding` leave it.
struct PercentDecoder<I: Iterator<Item = u8>> {
    inner: std::iter::Peekable<I>,
    plus_is_space: bool,
    /// Bytes read ahead for an escape that turned out not to be one.
    pending: [u8; 2],
    pending_len: usize,
}

impl<I: Iterator<Item = u8>> PercentDecoder<I> {
    fn new(inner: I, plus_is_space: bool) -> Self {
        PercentDecoder { inner: inner.peekable(), plus_is_space, pending: [0; 2], pending_len: 0 }
    }
}

fn hex_value(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

impl<I: Iterator<Item = u8>> Iterator for PercentDecoder<I> {
    type Item = u8;

    fn next(&mut self) -> Option<u8> {
        if self.pending_len > 0 {
            let b = self.pending[0];
            self.pending[0] = self.pending[1];
            self.pending_len -= 1;
            return Some(b);
        }
        match self.inner.next()? {
            b'+' if self.plus_is_space => Some(b' '),
            b'%' => {
                let Some(hi) = self.inner.next_if(|b| hex_value(*b).is_some()) else { return Some(b'%') };
                match self.inner.next_if(|b| hex_value(*b).is_some()) {
                    Some(lo) => Some(hex_value(hi)? << 4 | hex_value(lo)?),
                    None => {
                        self.pending = [hi, 0];
                        self.pending_len = 1;
                        Some(b'%')
                    }
                }
            }
            b => Some(b),
        }
    }
}

/// `Read` over a byte iterator, for serde_json's streaming decoder.
struct IterReader<I: Iterator<Item = u8>>(I);

impl<I: Iterator<Item = u8>> Read for IterReader<I> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let mut n = 0;
        for slot in buf.iter_mut() {
            match self.0.next() {
                Some(b) => {
                    *slot = b;
                    n += 1;
                }
                None => break,
            }
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the agent sends: uri_query_encode(json), then form-encoded again.
    fn agent_form(json: &str) -> String {
        let once =
            percent_encoding::utf8_percent_encode(json, percent_encoding::NON_ALPHANUMERIC).to_string();
        form_urlencoded::Serializer::new(String::new())
            .append_pair("facts_format", "application/json")
            .append_pair("facts", &once)
            .append_pair("environment", "production")
            .finish()
    }

    #[test]
    fn decodes_what_the_agent_sends() {
        let json =
            r#"{"name":"a.example.com","values":{"os":{"family":"Debian"},"note":"50% + more","é":"ü"}}"#;
        let body = agent_form(json);
        let raw = raw_form_value(body.as_bytes(), "facts").unwrap();
        let facts = catalog_facts(raw, Some("application/json")).unwrap();
        assert_eq!(facts.name, "a.example.com");
        assert_eq!(facts.values["note"], "50% + more");
        assert_eq!(facts.values["é"], "ü");
        let params = form_params_except(body.as_bytes(), "facts");
        assert_eq!(
            params,
            vec![
                ("facts_format".to_string(), "application/json".to_string()),
                ("environment".to_string(), "production".to_string())
            ]
        );
    }

    #[test]
    fn json_sent_as_is_and_stray_percents() {
        let facts = catalog_facts(br#"{"name":"n","values":{"a":"100%25"}}"#, None).unwrap();
        assert_eq!(facts.values["a"], "100%");
        // Form layer: `+` is a space; a `%` without two hex digits stays itself.
        let raw = b"+%7B%22name%22:%22n%22,%22values%22:%7B%22a%22:%22%25zz%25%22%7D%7D";
        let facts = catalog_facts(raw, None).unwrap();
        assert_eq!(facts.values["a"], "%zz%");
        let decoded: Vec<u8> = PercentDecoder::new(b"a%4".iter().copied(), true).collect();
        assert_eq!(decoded, b"a%4");
        let decoded: Vec<u8> = PercentDecoder::new(b"%%41%".iter().copied(), true).collect();
        assert_eq!(decoded, b"%A%");
    }

    #[test]
    fn keys_are_compared_decoded() {
        assert_eq!(raw_form_value(b"a=1&fact%73=x&facts=y", "facts"), Some(&b"x"[..]));
        assert_eq!(raw_form_value(b"factsx=1", "facts"), None);
        assert_eq!(raw_form_value(b"facts", "facts"), Some(&b""[..]));
        assert!(form_params_except(b"fact%73=x&b=2&&c", "facts").iter().eq([
            ("b".to_string(), "2".to_string()),
            ("c".to_string(), String::new())
        ]
        .iter()));
    }

    #[test]
    fn bad_facts_say_why() {
        for raw in [&b"%257Bnot%2520json"[..], b"%25FF%25FE", b"{broken", b""] {
            assert!(matches!(catalog_facts(raw, None), Err(WireError::Facts(_))), "{raw:?}");
        }
        assert!(matches!(catalog_facts(b"{}", Some("yaml")), Err(WireError::FactsFormat(_))));
    }
}
