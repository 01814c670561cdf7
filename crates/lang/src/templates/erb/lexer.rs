//! Tokens of the Ruby subset ERB templates use. Template text and `<%= %>` output arrive as
//! marker characters the ERB scanner put into the source (`\x01N\x01`, `\x02`, `\x03`).

use super::ErbError;

/// A part of a double-quoted string: text, or the source of a `#{…}` interpolation.
#[derive(Debug, Clone, PartialEq)]
pub enum StrPart {
    Text(String),
    Code(String, usize),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    Ident(String),
    Const(String),
    IVar(String),
    /// `name:` in a hash literal or keyword argument.
    Label(String),
    Int(i64),
    Float(f64),
    Str(Vec<StrPart>),
    Sym(String),
    Regex(String, bool),
    Op(&'static str),
    Newline,
    /// Template text number N.
    Text(usize),
    OutStart,
    OutEnd,
    Eof,
}

/// A token with its line and whether whitespace preceded it (for command calls and `[`).
#[derive(Debug, Clone)]
pub struct Token {
    pub tok: Tok,
    pub line: usize,
    pub space_before: bool,
}

const OPS: &[&str] = &[
    "**=", "<=>", "===", "...", "<<=", "||=", "&&=", "==", "!=", "=~", "!~", ">=", "<=", "&&", "||", "<<",
    ">>", "+=", "-=", "*=", "/=", "..", "::", "=>", "->", "+", "-", "*", "/", "%", "=", "<", ">", "!", "&",
    "|", "^", "?", ":", ",", ".", "(", ")", "[", "]", "{", "}", ";", "~",
];

fn value_ends(t: Option<&Tok>) -> bool {
    matches!(
        t,
        Some(
            Tok::Ident(_)
                | Tok::Const(_)
                | Tok::IVar(_)
                | Tok::Int(_)
                | Tok::Float(_)
                | Tok::Str(_)
                | Tok::Sym(_)
                | Tok::Regex(..)
                | Tok::Op(")")
                | Tok::Op("]")
                | Tok::Op("}")
        )
    )
}

/// Splits Ruby source into tokens; `line0` is the template line the source starts on.
pub fn lex(src: &str, line0: usize) -> Result<Vec<Token>, ErbError> {
    let chars: Vec<char> = src.chars().collect();
    let mut out: Vec<Token> = Vec::new();
    let mut i = 0;
    let mut line = line0;
    let mut space = false;
    let err = |line: usize, m: String| ErbError { message: m, line };
    while i < chars.len() {
        let c = chars[i];
        let push = |out: &mut Vec<Token>, tok: Tok, line: usize, space: bool| {
            out.push(Token { tok, line, space_before: space })
        };
        match c {
            ' ' | '\t' | '\r' => {
                space = true;
                i += 1;
                continue;
            }
            '\\' if chars.get(i + 1) == Some(&'\n') => {
                i += 2;
                line += 1;
                space = true;
                continue;
            }
            '\n' => {
                line += 1;
                i += 1;
                // A line starting with `.meth` continues the previous expression.
                let mut j = i;
                while j < chars.len() && matches!(chars[j], ' ' | '\t') {
                    j += 1;
                }
                let continues = chars.get(j) == Some(&'.') && chars.get(j + 1) != Some(&'.');
                if !continues && !matches!(out.last().map(|t| &t.tok), Some(Tok::Newline)) {
                    push(&mut out, Tok::Newline, line - 1, space);
                }
                space = true;
                continue;
            }
            '#' => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
                continue;
            }
            '\x01' => {
                let mut j = i + 1;
                let mut n = String::new();
                while j < chars.len() && chars[j] != '\x01' {
                    n.push(chars[j]);
                    j += 1;
                }
                push(&mut out, Tok::Text(n.parse().unwrap_or(0)), line, space);
                i = j + 1;
            }
            '\x02' => {
                push(&mut out, Tok::OutStart, line, space);
                i += 1;
            }
            '\x03' => {
                push(&mut out, Tok::OutEnd, line, space);
                i += 1;
            }
            '@' => {
                let mut j = i + 1;
                while j < chars.len() && (chars[j].is_alphanumeric() || chars[j] == '_') {
                    j += 1;
                }
                if j == i + 1 || chars.get(i + 1) == Some(&'@') {
                    return Err(err(
                        line,
                        "class variables (@@) are outside the supported Ruby subset".into(),
                    ));
                }
                push(&mut out, Tok::IVar(chars[i + 1..j].iter().collect()), line, space);
                i = j;
            }
            '0'..='9' => {
                let mut j = i;
                while j < chars.len() && (chars[j].is_ascii_digit() || chars[j] == '_') {
                    j += 1;
                }
                let is_float =
                    chars.get(j) == Some(&'.') && chars.get(j + 1).is_some_and(|c| c.is_ascii_digit());
                if is_float {
                    j += 1;
                    while j < chars.len() && chars[j].is_ascii_digit() {
                        j += 1;
                    }
                    let s: String = chars[i..j].iter().filter(|c| **c != '_').collect();
                    push(&mut out, Tok::Float(s.parse().unwrap_or(0.0)), line, space);
                } else {
                    let s: String = chars[i..j].iter().filter(|c| **c != '_').collect();
                    let v = if s.len() > 1 && s.starts_with('0') {
                        i64::from_str_radix(&s[1..], 8)
                    } else {
                        s.parse()
                    };
                    push(&mut out, Tok::Int(v.map_err(|e| err(line, e.to_string()))?), line, space);
                }
                i = j;
            }
            'a'..='z' | 'A'..='Z' | '_' => {
                let mut j = i;
                while j < chars.len() && (chars[j].is_alphanumeric() || chars[j] == '_') {
                    j += 1;
                }
                if j < chars.len() && matches!(chars[j], '?' | '!') && chars.get(j + 1) != Some(&'=') {
                    j += 1;
                }
                let word: String = chars[i..j].iter().collect();
                let prev_dot = matches!(out.last().map(|t| &t.tok), Some(Tok::Op(".")));
                if chars.get(j) == Some(&':')
                    && chars.get(j + 1) != Some(&':')
                    && !prev_dot
                    && chars.get(j + 1).is_some_and(|c| c.is_whitespace())
                {
                    push(&mut out, Tok::Label(word), line, space);
                    i = j + 1;
                } else if c.is_ascii_uppercase() {
                    push(&mut out, Tok::Const(word), line, space);
                    i = j;
                } else {
                    push(&mut out, Tok::Ident(word), line, space);
                    i = j;
                }
            }
            '\'' => {
                let mut s = String::new();
                let mut j = i + 1;
                while j < chars.len() && chars[j] != '\'' {
                    if chars[j] == '\\' && matches!(chars.get(j + 1), Some('\'') | Some('\\')) {
                        j += 1;
                    }
                    if chars[j] == '\n' {
                        line += 1;
                    }
                    s.push(chars[j]);
                    j += 1;
                }
                if j >= chars.len() {
                    return Err(err(line, "unterminated string".into()));
                }
                push(&mut out, Tok::Str(vec![StrPart::Text(s)]), line, space);
                i = j + 1;
            }
            '"' | '`' => {
                let (parts, j, nl) = double_quoted(&chars, i + 1, '"', line).map_err(|m| err(line, m))?;
                push(&mut out, Tok::Str(parts), line, space);
                line += nl;
                i = j;
            }
            '%' if chars.get(i + 1) == Some(&'r')
                && chars.get(i + 2).is_some_and(|c| "([{<|".contains(*c)) =>
            {
                // %r{...}: a regexp whose delimiters are brackets (no nesting).
                let (body, ci, j) = regex_literal(&chars, i + 3, closing(chars[i + 2]));
                push(&mut out, Tok::Regex(body, ci), line, space);
                i = j;
            }
            '%' if (chars.get(i + 1) == Some(&'Q')
                && chars.get(i + 2).is_some_and(|c| "([{<|".contains(*c)))
                || (chars.get(i + 1).is_some_and(|c| "([{".contains(*c))
                    && !value_ends(out.last().map(|t| &t.tok))) =>
            {
                // %Q{...} and %(...): double-quoted strings with other delimiters (no nesting).
                let open_at = if chars[i + 1] == 'Q' { i + 2 } else { i + 1 };
                let (parts, j, nl) = double_quoted(&chars, open_at + 1, closing(chars[open_at]), line)
                    .map_err(|m| err(line, m))?;
                push(&mut out, Tok::Str(parts), line, space);
                line += nl;
                i = j;
            }
            '%' if matches!(chars.get(i + 1), Some('w') | Some('W'))
                && chars.get(i + 2).is_some_and(|c| "([{<|".contains(*c)) =>
            {
                let close = match chars[i + 2] {
                    '(' => ')',
                    '[' => ']',
                    '{' => '}',
                    '<' => '>',
                    o => o,
                };
                let mut j = i + 3;
                let mut body = String::new();
                while j < chars.len() && chars[j] != close {
                    body.push(chars[j]);
                    j += 1;
                }
                // %w[a b] becomes ['a', 'b'] as tokens.
                push(&mut out, Tok::Op("["), line, space);
                for (k, w) in body.split_whitespace().enumerate() {
                    if k > 0 {
                        push(&mut out, Tok::Op(","), line, false);
                    }
                    push(&mut out, Tok::Str(vec![StrPart::Text(w.to_string())]), line, false);
                }
                push(&mut out, Tok::Op("]"), line, false);
                i = j + 1;
            }
            ':' if chars.get(i + 1).is_some_and(|c| c.is_alphabetic() || *c == '_')
                && (space || !value_ends(out.last().map(|t| &t.tok))) =>
            {
                let mut j = i + 1;
                while j < chars.len() && (chars[j].is_alphanumeric() || chars[j] == '_') {
                    j += 1;
                }
                if j < chars.len() && matches!(chars[j], '?' | '!') {
                    j += 1;
                }
                push(&mut out, Tok::Sym(chars[i + 1..j].iter().collect()), line, space);
                i = j;
            }
            ':' if chars.get(i + 1) == Some(&'"') => {
                let (parts, j, _) = double_quoted(&chars, i + 2, '"', line).map_err(|m| err(line, m))?;
                let name = parts
                    .iter()
                    .map(|p| if let StrPart::Text(t) = p { t.clone() } else { String::new() })
                    .collect();
                push(&mut out, Tok::Sym(name), line, space);
                i = j;
            }
            '/' if !value_ends(out.last().map(|t| &t.tok))
                || (space
                    && chars.get(i + 1).is_some_and(|c| !c.is_whitespace())
                    && matches!(out.last().map(|t| &t.tok), Some(Tok::Ident(_)))) =>
            {
                let (body, ci, j) = regex_literal(&chars, i + 1, '/');
                push(&mut out, Tok::Regex(body, ci), line, space);
                i = j;
            }
            _ => {
                let rest: String = chars[i..(i + 3).min(chars.len())].iter().collect();
                let Some(op) = OPS.iter().find(|o| rest.starts_with(**o)) else {
                    return Err(err(line, format!("unexpected character '{c}'")));
                };
                push(&mut out, Tok::Op(op), line, space);
                i += op.chars().count();
            }
        }
        space = false;
    }
    out.push(Token { tok: Tok::Newline, line, space_before: false });
    out.push(Token { tok: Tok::Eof, line, space_before: false });
    Ok(out)
}

/// The closing delimiter of a `%` literal.
/// A regexp literal's body from `start` up to the unescaped `close` (escapes kept for the regex
/// engine), then its flags: `(body, case-insensitive, index after the flags)`. Shared by `/…/` and
/// `%r{…}`.
fn regex_literal(chars: &[char], start: usize, close: char) -> (String, bool, usize) {
    let mut j = start;
    let mut body = String::new();
    while j < chars.len() && chars[j] != close {
        if chars[j] == '\\' && j + 1 < chars.len() {
            body.push(chars[j]);
            j += 1;
        }
        body.push(chars[j]);
        j += 1;
    }
    j += 1;
    let mut ci = false;
    while j < chars.len() && matches!(chars[j], 'i' | 'm' | 'x' | 'o') {
        ci |= chars[j] == 'i';
        j += 1;
    }
    (body, ci, j)
}

fn closing(open: char) -> char {
    match open {
        '(' => ')',
        '[' => ']',
        '{' => '}',
        '<' => '>',
        o => o,
    }
}

/// A double-quoted string body from `start` to the closing quote: parts, next index, newlines.
fn double_quoted(
    chars: &[char],
    start: usize,
    quote: char,
    line: usize,
) -> Result<(Vec<StrPart>, usize, usize), String> {
    let mut parts = Vec::new();
    let mut text = String::new();
    let mut j = start;
    let mut nl = 0;
    while j < chars.len() && chars[j] != quote {
        match chars[j] {
            '\\' if j + 1 < chars.len() => {
                j += 1;
                text.push(match chars[j] {
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    's' => ' ',
                    '0' => '\0',
                    'e' => '\x1b',
                    o => o,
                });
            }
            '#' if chars.get(j + 1) == Some(&'{') => {
                if !text.is_empty() {
                    parts.push(StrPart::Text(std::mem::take(&mut text)));
                }
                let mut depth = 1;
                let mut k = j + 2;
                let mut code = String::new();
                while k < chars.len() {
                    match chars[k] {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    code.push(chars[k]);
                    k += 1;
                }
                parts.push(StrPart::Code(code, line + nl));
                j = k;
            }
            '\n' => {
                nl += 1;
                text.push('\n');
            }
            o => text.push(o),
        }
        j += 1;
    }
    if j >= chars.len() {
        return Err("unterminated string".into());
    }
    if !text.is_empty() || parts.is_empty() {
        parts.push(StrPart::Text(text));
    }
    Ok((parts, j + 1, nl))
}
