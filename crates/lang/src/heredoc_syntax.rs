//! The checkers Puppet's validator runs on the text of a literal heredoc by its syntax tag
//! (`@(END:json)`; `puppet/syntax_checkers/`: json, base64, pp, epp), with their messages.

/// A checker's complaint.
pub struct Problem {
    pub message: String,
    /// Errors Puppet logs on the way, before raising (a `pp` text's several validation errors,
    /// each with its location in the text).
    pub logged: Vec<String>,
}

/// The checker's complaint about `text` in `syntax`, if a checker applies and the text is bad.
/// A compound syntax uses the checker of its longest known suffix (`data+json` is checked as json).
pub fn check(syntax: &str, text: &str) -> Option<Problem> {
    let mut logged = Vec::new();
    let message = check_text(syntax, text, &mut logged)?;
    Some(Problem { message, logged })
}

fn check_text(syntax: &str, text: &str, logged: &mut Vec<String>) -> Option<String> {
    let segments: Vec<&str> = syntax.split('+').collect();
    let key = (0..segments.len())
        .map(|i| segments[i..].join("+"))
        .find(|k| matches!(k.as_str(), "json" | "base64" | "pp" | "epp"))?;
    match key.as_str() {
        "json" => json(text),
        "base64" => base64(text),
        "pp" => pp(text, logged),
        _ => epp(text),
    }
}

/// Ruby's `slice(0, n)` and Puppet's escaping of line breaks in a checker's quoted message.
fn quoted(message: &str, max: usize) -> String {
    let cut: String = message.chars().take(max).collect();
    cut.replace("\r\n", "\\n").replace('\n', "\\n")
}

fn json(text: &str) -> Option<String> {
    let err = serde_json::from_str::<serde_json::Value>(text).err()?;
    // Ruby's JSON parser names the text from where it gave up: the start of the object the
    // failure is in, or, directly in an array or at the top, the failing value itself.
    let failed_at = offset_of(text, err.line(), err.column());
    let at = &text[innermost_object(text, failed_at).unwrap_or(failed_at)..];
    let message = if text.trim().is_empty() {
        "unexpected end of input".to_string()
    } else {
        format!("unexpected token at '{at}'")
    };
    Some(format!("JSON syntax checker: Cannot parse invalid JSON string. \"{}\"", quoted(&message, 100)))
}

/// The byte offset of serde_json's 1-based line and column (of the character it stopped at).
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let line_start: usize = text.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum();
    let col = text[line_start..]
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(text.len() - line_start, |(i, _)| i);
    (line_start + col).min(text.len())
}

/// Where the object that `offset` is directly inside starts, if it is in an object rather than
/// an array (strings skipped).
fn innermost_object(text: &str, offset: usize) -> Option<usize> {
    let mut open: Vec<(u8, usize)> = Vec::new();
    let b = text.as_bytes();
    let mut i = 0;
    while i < offset.min(b.len()) {
        match b[i] {
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
            }
            c @ (b'{' | b'[') => open.push((c, i)),
            b'}' | b']' => {
                open.pop();
            }
            _ => {}
        }
        i += 1;
    }
    match open.last() {
        Some((b'{', at)) => Some(*at),
        _ => None,
    }
}

/// Ruby's `Base64.strict_decode64` after removing line breaks, blanks and `?`.
fn base64(text: &str) -> Option<String> {
    let cleaned: Vec<u8> =
        text.bytes().filter(|b| !matches!(b, b'\r' | b'?' | b'\n' | b' ' | b'\t')).collect();
    let alphabet = |b: &u8| b.is_ascii_alphanumeric() || *b == b'+' || *b == b'/';
    let body = cleaned.strip_suffix(b"==").or_else(|| cleaned.strip_suffix(b"=")).unwrap_or(&cleaned);
    if cleaned.len().is_multiple_of(4) && body.iter().all(alphabet) {
        return None;
    }
    Some(if !(cleaned.len() * 8).is_multiple_of(6) {
        "Base64 syntax checker: Cannot parse invalid Base64 string - padding is not correct".into()
    } else {
        "Base64 syntax checker: Cannot parse invalid Base64 string - contains letters outside strict base 64 range (or whitespace)".into()
    })
}

/// Parsing and validating the text as a manifest; the message is the one Puppet's exception
/// carries (located in the text itself, without a file).
fn pp(text: &str, logged: &mut Vec<String>) -> Option<String> {
    let found = crate::parser::check(text);
    let lines = crate::span::LineIndex::new(text);
    let located = |e: &crate::parser::ParseError| match e.offset {
        Some(o) => {
            let (l, c) = lines.line_col(text, o);
            format!("{} (line: {l}, column: {c})", e.message)
        }
        None => e.message.clone(),
    };
    let message = match found.errors.as_slice() {
        [] => return None,
        [only] => located(only),
        all => {
            logged.extend(found.logged.iter().cloned());
            logged.extend(all.iter().map(located));
            format!("Language validation logged {} errors. Giving up", all.len())
        }
    };
    Some(format!("PP syntax checker: \"{}\"", quoted(&message, 500)))
}

fn epp(text: &str) -> Option<String> {
    let e = crate::templates::epp::translate(text).err()?;
    let message = format!("{} (line: {}, column: {})", e.message, e.line, e.column);
    Some(format!("EPP syntax checker: \"{}\"", quoted(&message, 500)))
}
