//! The hand-written lexer. Puppet's lexer is stateful (see the language reference §4): whether `/`
//! starts a regex depends on the previous token, whether `[` is an access or an array literal and
//! whether `(` opens a call depend on the whitespace before them, and double-quoted strings switch
//! into expression mode inside `${…}`. Those decisions are made here, once, so the parser sees plain
//! tokens: [`Token::ws_before`] records the whitespace, interpolations arrive pre-lexed.

use crate::span::Span;

/// One piece of a double-quoted string.
#[derive(Debug, Clone, PartialEq)]
pub enum DqPart {
    /// Literal text, escapes already processed.
    Text(String),
    /// `$name` or `${name}`.
    Var(String, Span),
    /// `${ expression }`: its tokens, ending with [`Tok::Eof`].
    Expr(Vec<Token>, Span),
}

/// What kind of token.
#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    /// A lower-case name, possibly qualified (`nginx::web`), or a bare word.
    Name(String),
    /// A capitalised reference (`File`, `Nginx::Web`).
    Ref(String),
    /// `$x`, `$a::b`, `$::x` (without the `$`).
    Var(String),
    /// A single-quoted string, escapes processed.
    Str(String),
    /// A double-quoted string.
    Dq(Vec<DqPart>),
    Int(i64),
    Float(f64),
    /// `/…/` where a regex may appear; the pattern text.
    Regex(String),
    Kw(Kw),
    LBrace,
    RBrace,
    /// `[` directly after a value: an access.
    LBrack,
    /// `[` after whitespace or an operator: an array literal.
    ListStart,
    RBrack,
    LParen,
    RParen,
    Comma,
    Semi,
    Colon,
    Dot,
    Question,
    Pipe,
    At,
    AtAt,
    Assign,
    PlusAssign,
    MinusAssign,
    EqEq,
    NotEq,
    Match,
    NoMatch,
    Gt,
    Ge,
    Lt,
    Le,
    Plus,
    Minus,
    Star,
    Div,
    Mod,
    Shl,
    Shr,
    Not,
    /// `=>`
    FArrow,
    /// `+>`
    PArrow,
    /// `->`
    InEdge,
    /// `~>`
    InEdgeSub,
    /// `<-`
    OutEdge,
    /// `<~`
    OutEdgeSub,
    /// `<|`
    LCollect,
    /// `|>`
    RCollect,
    /// `<<|`
    LLCollect,
    /// `|>>`
    RRCollect,
    Eof,
}

impl Tok {
    /// The same kind of token with any string payload left empty (no allocation): for decisions
    /// that depend only on the kind, such as whether a `/` may start a regex.
    pub(crate) fn shallow(&self) -> Tok {
        match self {
            Tok::Name(_) => Tok::Name(String::new()),
            Tok::Ref(_) => Tok::Ref(String::new()),
            Tok::Var(_) => Tok::Var(String::new()),
            Tok::Str(_) => Tok::Str(String::new()),
            Tok::Regex(_) => Tok::Regex(String::new()),
            Tok::Dq(_) => Tok::Dq(Vec::new()),
            other => other.clone(),
        }
    }
}

/// Reserved words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kw {
    Case,
    Class,
    Default,
    Define,
    If,
    Elsif,
    Else,
    Inherits,
    Node,
    And,
    Or,
    Undef,
    True,
    False,
    In,
    Unless,
    Function,
    Type,
    Attr,
    Private,
}

impl Kw {
    fn from_word(w: &str) -> Option<Kw> {
        Some(match w {
            "case" => Kw::Case,
            "class" => Kw::Class,
            "default" => Kw::Default,
            "define" => Kw::Define,
            "if" => Kw::If,
            "elsif" => Kw::Elsif,
            "else" => Kw::Else,
            "inherits" => Kw::Inherits,
            "node" => Kw::Node,
            "and" => Kw::And,
            "or" => Kw::Or,
            "undef" => Kw::Undef,
            "true" => Kw::True,
            "false" => Kw::False,
            "in" => Kw::In,
            "unless" => Kw::Unless,
            "function" => Kw::Function,
            "type" => Kw::Type,
            "attr" => Kw::Attr,
            "private" => Kw::Private,
            _ => return None,
        })
    }
}

/// A token with its source span.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub tok: Tok,
    pub span: Span,
    /// Whether whitespace (or a comment, or the start of input) precedes it.
    pub ws_before: bool,
}

/// A lexical error at a byte offset (`None`: at end of input).
#[derive(Debug, Clone, PartialEq)]
pub struct LexError {
    pub message: String,
    pub offset: Option<usize>,
    /// See [`crate::parser::ParseError::internal`].
    pub internal: bool,
}

/// Splits `src` into tokens, ending with [`Tok::Eof`].
pub fn lex(src: &str) -> Result<Vec<Token>, LexError> {
    lex_all(src).tokens
}

/// Puppet's refusal of a byte order mark at the start of a manifest (`assert_not_bom`), which it
/// reports without a position.
pub fn byte_order_mark(bytes: &[u8]) -> Option<LexError> {
    const MARKS: &[(&[u8], &str)] = &[
        (&[0x00, 0x00, 0xFE, 0xFF], "UTF-32"),
        (&[0xFF, 0xFE, 0x00, 0x00], "UTF-32"),
        (&[0x84, 0x31, 0x95, 0x33], "GB-18030"),
        (&[0xDD, 0x73, 0x66, 0x73], "UTF-EBCDIC"),
        (&[0x0E, 0xFE, 0xFF], "SCSU"),
        (&[0xEF, 0xBB, 0xBF], "UTF-8"),
        (&[0xF7, 0x64, 0x4C], "UTF-1"),
        (&[0xFB, 0xEE, 0x28], "BOCU"),
        (&[0xFE, 0xFF], "UTF-16"),
        (&[0xFF, 0xFE], "UTF-16"),
    ];
    let (mark, name) = MARKS.iter().find(|(m, _)| bytes.starts_with(m))?;
    let hex: Vec<String> = mark.iter().map(|b| format!("{b:X}")).collect();
    Some(LexError {
        internal: false,
        message: format!(
            "Illegal {name} Byte Order mark at beginning of input: [{}] - remove these from the puppet source",
            hex.join(" ")
        ),
        offset: None,
    })
}

/// [`lex`], with the warnings Puppet's lexer logs on the way (unrecognized escapes, malformed
/// `\u` escapes) and the heredocs whose text has a syntax to check.
pub fn lex_all(src: &str) -> Lexed {
    if let Some(e) = byte_order_mark(src.as_bytes()) {
        return Lexed { tokens: Err(e), warnings: Vec::new(), heredocs: Vec::new() };
    }
    let mut lx = Lexer::new(src);
    let tokens = lx.run(false);
    Lexed { tokens, warnings: lx.warnings, heredocs: lx.heredocs }
}

/// The escapes a double-quoted string processes (`\\` included); heredocs choose theirs by flags.
const DQ_ESCAPES: &str = "ntrs$\"'\\\nu";

struct Lexer<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    /// The previous significant token, for the regex-vs-division decision.
    last: Option<Tok>,
    /// Where lexing resumes at the next newline: after the body of the last heredoc opened on the
    /// current line (several heredocs on one line have consecutive bodies).
    heredoc_resume: Option<usize>,
    /// Warnings logged so far (see [`lex_all`]).
    warnings: Vec<LexError>,
    /// Warnings of the string segment being read: Puppet logs them where the segment ends.
    pending: Vec<String>,
    /// The literal heredocs with a syntax tag, for the validator's syntax checks.
    heredocs: Vec<Heredoc>,
}

/// A heredoc with a syntax (`@(END:json)`) whose text is literal: Puppet's validator checks
/// that text with the syntax's checker.
#[derive(Debug, Clone, PartialEq)]
pub struct Heredoc {
    /// Where the `@(` is (the string expression's start).
    pub at: usize,
    /// The syntax tag, e.g. `json` or `data+json`.
    pub syntax: String,
    /// Where the text starts (Puppet reports a checker's error there).
    pub body: usize,
}

/// What lexing a manifest gives: its tokens or the error that stopped it, the warnings logged on
/// the way (they stand even when lexing then fails), and the heredocs to syntax-check.
#[derive(Debug)]
pub struct Lexed {
    /// The tokens, ending with [`Tok::Eof`], or the error that stopped lexing.
    pub tokens: Result<Vec<Token>, LexError>,
    /// Warnings, in order.
    pub warnings: Vec<LexError>,
    /// Literal heredocs with a syntax tag.
    pub heredocs: Vec<Heredoc>,
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

impl<'a> Lexer<'a> {
    fn new(src: &'a str) -> Lexer<'a> {
        Lexer {
            src,
            bytes: src.as_bytes(),
            pos: 0,
            last: None,
            heredoc_resume: None,
            warnings: Vec::new(),
            pending: Vec::new(),
            heredocs: Vec::new(),
        }
    }

    fn peek(&self, n: usize) -> u8 {
        *self.bytes.get(self.pos + n).unwrap_or(&0)
    }

    fn err(&self, message: impl Into<String>, offset: usize) -> LexError {
        LexError { internal: false, message: message.into(), offset: Some(offset) }
    }

    /// Lexes until end of input, or (inside `${…}`) until the matching `}`, which is consumed.
    fn run(&mut self, interpolation: bool) -> Result<Vec<Token>, LexError> {
        // About one token per six bytes of Puppet code.
        let mut out: Vec<Token> =
            Vec::with_capacity(if interpolation { 4 } else { self.bytes.len() / 6 + 1 });
        let mut depth = 0usize;
        loop {
            let ws = self.skip_ws()?;
            let ws_before = ws || out.is_empty() && !interpolation;
            if self.pos >= self.bytes.len() {
                if interpolation {
                    return Err(LexError {
                        internal: false,
                        message: "Unclosed interpolation".into(),
                        offset: None,
                    });
                }
                out.push(Token { tok: Tok::Eof, span: Span::new(self.pos, self.pos), ws_before });
                return Ok(out);
            }
            let start = self.pos;
            let tok = self.token()?;
            if interpolation {
                match tok {
                    Tok::LBrace => depth += 1,
                    Tok::RBrace if depth == 0 => {
                        out.push(Token { tok: Tok::Eof, span: Span::new(start, start), ws_before });
                        return Ok(out);
                    }
                    Tok::RBrace => depth -= 1,
                    _ => {}
                }
            }
            self.last = Some(tok.shallow());
            out.push(Token { tok, span: Span::new(start, self.pos), ws_before });
        }
    }

    /// Skips whitespace and comments; tells whether anything was skipped.
    fn skip_ws(&mut self) -> Result<bool, LexError> {
        let start = self.pos;
        loop {
            match self.peek(0) {
                b' ' | b'\t' | b'\r' => self.pos += 1,
                b'\n' => match self.heredoc_resume.take() {
                    Some(resume) => self.pos = resume.max(self.pos + 1),
                    None => self.pos += 1,
                },
                // To the end of the line: memchr's vectorised search (comments are a good part
                // of real manifests; `str::find` was 3% of `parser validate` over the corpus).
                b'#' => match memchr::memchr(b'\n', &self.bytes[self.pos..]) {
                    Some(n) => self.pos += n,
                    None => self.pos = self.bytes.len(),
                },
                b'/' if self.peek(1) == b'*' => {
                    let open = self.pos;
                    match self.src[self.pos + 2..].find("*/") {
                        Some(i) => self.pos += 2 + i + 2,
                        None => return Err(self.err("Unclosed multiline comment", open)),
                    }
                }
                _ => return Ok(self.pos > start),
            }
        }
    }

    fn regex_acceptable(&self) -> bool {
        !matches!(
            self.last,
            Some(
                Tok::RParen
                    | Tok::RBrack
                    | Tok::RCollect
                    | Tok::RRCollect
                    | Tok::Name(_)
                    | Tok::Ref(_)
                    | Tok::Int(_)
                    | Tok::Float(_)
                    | Tok::Str(_)
                    | Tok::Dq(_)
                    | Tok::Regex(_)
                    | Tok::Var(_)
                    | Tok::Kw(Kw::True | Kw::False)
            )
        )
    }

    fn token(&mut self) -> Result<Tok, LexError> {
        let c = self.peek(0);
        let start = self.pos;
        let two = |t: Tok, me: &mut Self| {
            me.pos += 2;
            Ok(t)
        };
        let one = |t: Tok, me: &mut Self| {
            me.pos += 1;
            Ok(t)
        };
        match c {
            b'{' => one(Tok::LBrace, self),
            b'}' => one(Tok::RBrace, self),
            b'[' => {
                let spaced = start == 0
                    || matches!(self.bytes[start - 1], b' ' | b'\t' | b'\r' | b'\n')
                    || self.last.is_none();
                one(if spaced { Tok::ListStart } else { Tok::LBrack }, self)
            }
            b']' => one(Tok::RBrack, self),
            b'(' => one(Tok::LParen, self),
            b')' => one(Tok::RParen, self),
            b',' => one(Tok::Comma, self),
            b';' => one(Tok::Semi, self),
            b'.' => one(Tok::Dot, self),
            b'?' => one(Tok::Question, self),
            b'*' => one(Tok::Star, self),
            b'%' => one(Tok::Mod, self),
            b':' if self.peek(1) == b':' && self.peek(2).is_ascii_uppercase() => self.reference(),
            b':' if self.peek(1) == b':' && (self.peek(2).is_ascii_lowercase() || self.peek(2) == b'_') => {
                self.pos += 2;
                let w = self.word();
                Ok(Tok::Name(format!("::{w}")))
            }
            // Puppet's lexer takes `::` only as the start of a qualified name or reference.
            b':' if self.peek(1) == b':' => Err(self.err("Illegal fully qualified name", start + 2)),
            b':' => one(Tok::Colon, self),
            b'@' if self.peek(1) == b'(' => self.heredoc(start),
            b'@' if self.peek(1) == b'@' => two(Tok::AtAt, self),
            b'@' => one(Tok::At, self),
            b'|' if self.peek(1) == b'>' && self.peek(2) == b'>' => {
                self.pos += 3;
                Ok(Tok::RRCollect)
            }
            b'|' if self.peek(1) == b'>' => two(Tok::RCollect, self),
            b'|' => one(Tok::Pipe, self),
            b'=' => match self.peek(1) {
                b'=' => two(Tok::EqEq, self),
                b'~' => two(Tok::Match, self),
                b'>' => two(Tok::FArrow, self),
                _ => one(Tok::Assign, self),
            },
            b'!' => match self.peek(1) {
                b'=' => two(Tok::NotEq, self),
                b'~' => two(Tok::NoMatch, self),
                _ => one(Tok::Not, self),
            },
            b'+' => match self.peek(1) {
                b'=' => two(Tok::PlusAssign, self),
                b'>' => two(Tok::PArrow, self),
                _ => one(Tok::Plus, self),
            },
            b'-' => match self.peek(1) {
                b'=' => two(Tok::MinusAssign, self),
                b'>' => two(Tok::InEdge, self),
                _ => one(Tok::Minus, self),
            },
            b'~' if self.peek(1) == b'>' => two(Tok::InEdgeSub, self),
            b'<' => match self.peek(1) {
                b'=' => two(Tok::Le, self),
                b'|' => two(Tok::LCollect, self),
                b'-' => two(Tok::OutEdge, self),
                b'~' => two(Tok::OutEdgeSub, self),
                b'<' if self.peek(2) == b'|' => {
                    self.pos += 3;
                    Ok(Tok::LLCollect)
                }
                b'<' => two(Tok::Shl, self),
                _ => one(Tok::Lt, self),
            },
            b'>' => match self.peek(1) {
                b'=' => two(Tok::Ge, self),
                b'>' => two(Tok::Shr, self),
                _ => one(Tok::Gt, self),
            },
            b'/' => {
                if self.regex_acceptable() {
                    if let Some(re) = self.regex() {
                        return Ok(Tok::Regex(re));
                    }
                }
                one(Tok::Div, self)
            }
            b'\'' => self.single_quoted(),
            b'"' => {
                self.pos += 1;
                Ok(Tok::Dq(self.double_quoted(Some('"'), DQ_ESCAPES)?))
            }
            b'$' => {
                self.pos += 1;
                match self.variable_name() {
                    // Whether the name is acceptable depends on where it is (a parameter or a
                    // variable); the parser and validator decide, as Puppet's validator does.
                    Some(name) => Ok(Tok::Var(name)),
                    None => Err(self.err("Illegal variable name, The given name '' does not conform to the naming rule /^((::)?[a-z]\\w*)*((::)?[a-z_]\\w*)$/", start)),
                }
            }
            b'0'..=b'9' => self.number(),
            b'A'..=b'Z' => self.reference(),
            b'a'..=b'z' | b'_' => {
                let w = self.word();
                Ok(match Kw::from_word(&w) {
                    Some(k) => Tok::Kw(k),
                    None => Tok::Name(w),
                })
            }
            _ => {
                let ch = self.src[start..].chars().next().unwrap_or('?');
                Err(self.err(format!("Illegal character '{ch}'"), start))
            }
        }
    }

    /// A name or bare word: segments of `[a-z_][\w-]*` joined by `::`.
    fn word(&mut self) -> String {
        let start = self.pos;
        loop {
            while is_word(self.peek(0)) || self.peek(0) == b'-' && is_word(self.peek(1)) {
                self.pos += 1;
            }
            // Later segments start as the first does (`PATTERN_BARE_WORD`).
            if self.peek(0) == b':'
                && self.peek(1) == b':'
                && (self.peek(2).is_ascii_lowercase() || self.peek(2) == b'_')
            {
                self.pos += 2;
                continue;
            }
            break;
        }
        self.src[start..self.pos].to_string()
    }

    /// A type reference: `::`? segments of `[A-Z]\w*` joined by `::`. A `::` after it that does
    /// not continue it is an error (Puppet's "Illegal class reference").
    fn reference(&mut self) -> Result<Tok, LexError> {
        let start = self.pos;
        let absolute = self.peek(0) == b':';
        if absolute {
            self.pos += 2;
        }
        loop {
            while is_word(self.peek(0)) {
                self.pos += 1;
            }
            if self.peek(0) == b':' && self.peek(1) == b':' && self.peek(2).is_ascii_uppercase() {
                self.pos += 2;
                continue;
            }
            break;
        }
        if self.peek(0) == b':' && self.peek(1) == b':' {
            return Err(if absolute {
                self.err("Illegal fully qualified class reference", self.pos + 3)
            } else {
                self.err("Illegal class reference", self.pos + 1)
            });
        }
        Ok(Tok::Ref(self.src[start..self.pos].to_string()))
    }

    /// After `$`: `::`? (`\w+::`)* `\w+`.
    fn variable_name(&mut self) -> Option<String> {
        let start = self.pos;
        if self.peek(0) == b':' && self.peek(1) == b':' && is_word(self.peek(2)) {
            self.pos += 2;
        }
        loop {
            let seg = self.pos;
            while is_word(self.peek(0)) {
                self.pos += 1;
            }
            if self.pos == seg {
                self.pos = start;
                return None;
            }
            if self.peek(0) == b':' && self.peek(1) == b':' && is_word(self.peek(2)) {
                self.pos += 2;
                continue;
            }
            break;
        }
        Some(self.src[start..self.pos].to_string())
    }

    fn regex(&mut self) -> Option<String> {
        // Puppet: `/[^/]*/`, extended while the closing slash is escaped.
        let start = self.pos;
        let mut i = self.pos + 1;
        loop {
            let rel = self.src[i..].find('/')?;
            let end = i + rel;
            let backslashes = self.src[..end].bytes().rev().take_while(|b| *b == b'\\').count();
            if backslashes % 2 == 1 {
                i = end + 1;
                continue;
            }
            let body = self.src[start + 1..end].replace("\\/", "/");
            self.pos = end + 1;
            return Some(body);
        }
    }

    /// A number as Puppet's lexer reads one: `PATTERN_NUMBER` (`0x` hex, or digits with an
    /// optional fraction and exponent) ending at a word boundary, checked by `assert_numeric`;
    /// what does not match is reported with the whole word it is part of.
    fn number(&mut self) -> Result<Tok, LexError> {
        let start = self.pos;
        let b = self.bytes;
        let at = |i: usize| *b.get(i).unwrap_or(&0);
        let word_end = |mut i: usize| {
            while is_word(at(i)) {
                i += 1;
            }
            i
        };
        let digits_end = |mut i: usize| {
            while at(i).is_ascii_digit() {
                i += 1;
            }
            i
        };
        // The candidate matches, longest first; the first followed by a boundary wins.
        let mut candidates = Vec::with_capacity(3);
        if at(start) == b'0' && matches!(at(start + 1), b'x' | b'X') {
            let mut i = start + 2;
            while at(i).is_ascii_hexdigit() {
                i += 1;
            }
            if i > start + 2 {
                candidates.push(i);
            }
        }
        let int_end = digits_end(start);
        let mut decimal = vec![int_end];
        let mut end = int_end;
        if at(end) == b'.' && at(end + 1).is_ascii_digit() {
            end = digits_end(end + 1);
            decimal.push(end);
        }
        if matches!(at(end), b'e' | b'E') {
            let exp = if at(end + 1) == b'-' { end + 2 } else { end + 1 };
            if at(exp).is_ascii_digit() {
                decimal.push(digits_end(exp));
            }
        }
        candidates.extend(decimal.into_iter().rev());
        let matched = candidates.into_iter().find(|&e| !is_word(at(e)));
        let text = match matched {
            // `1.5x` is the number `1`, a dot and the bad number `5x`, which Puppet reports
            // from the `1` on.
            Some(e) if e == int_end && at(e) == b'.' && at(e + 1).is_ascii_digit() => {
                let bad = &self.src[start..word_end(e + 1)];
                return Err(self.number_error(bad, start).unwrap_or_else(|| self.illegal_number(bad, start)));
            }
            Some(e) => {
                self.pos = e;
                &self.src[start..e]
            }
            None => {
                let bad = &self.src[start..word_end(start)];
                return Err(self.number_error(bad, start).unwrap_or_else(|| self.illegal_number(bad, start)));
            }
        };
        if let Some(e) = self.number_error(text, start) {
            return Err(e);
        }
        let (digits, radix) = match text.as_bytes() {
            [b'0', b'x' | b'X', ..] => (&text[2..], 16),
            [b'0', _, ..] if !text.contains(['.', 'e', 'E']) => (&text[1..], 8),
            _ if text.contains(['.', 'e', 'E']) => {
                return match text.parse::<f64>() {
                    // Ruby makes such a number Infinity, which Puppet's lexer then refuses
                    // with an internal error.
                    Ok(f) if f.is_infinite() => Err(LexError {
                        message: format!(
                            "Internal Error, NUMBER token does not contain a valid number, {text}"
                        ),
                        offset: None,
                        internal: true,
                    }),
                    Ok(f) => Ok(Tok::Float(f)),
                    Err(_) => Err(self.illegal_number(text, start)),
                };
            }
            _ => (text, 10),
        };
        i64::from_str_radix(digits, radix).map(Tok::Int).map_err(|_| {
            self.err(
                format!(
                    "A Literal Integer resulted in a value outside of Puppet Integer max range, got '+0x{}'",
                    to_hex(digits, radix)
                ),
                start,
            )
        })
    }

    /// `assert_numeric`: the specific complaint about a hex, octal or decimal number, if any.
    fn number_error(&self, text: &str, start: usize) -> Option<LexError> {
        let t = text.as_bytes();
        let (valid, kind) = if matches!(t, [b'0', b'x' | b'X', ..]) {
            (t.len() > 2 && t[2..].iter().all(u8::is_ascii_hexdigit), "hex")
        } else if t.len() > 1 && t[0] == b'0' && t[1] != b'.' {
            (t[1..].iter().all(|d| (b'0'..=b'7').contains(d)), "octal")
        } else if t
            .iter()
            .position(|d| !d.is_ascii_digit())
            .is_some_and(|i| matches!(t[i], b'e' | b'E' | b'.'))
        {
            (is_decimal(text), "decimal")
        } else {
            return None;
        };
        (!valid).then(|| self.err(format!("Not a valid {kind} number {text}"), start))
    }

    fn illegal_number(&self, text: &str, start: usize) -> LexError {
        self.err(format!("Illegal number '{text}'"), start)
    }

    fn followed_by(&self, at: usize) -> String {
        if at >= self.src.len() {
            return "<eof>".into();
        }
        let rest: String = self.src[at..].chars().take(5).collect();
        format!("{rest}...").replace('\t', "\\t").replace('\n', "\\n").replace('\r', "\\r")
    }

    fn single_quoted(&mut self) -> Result<Tok, LexError> {
        self.pos += 1;
        let body_start = self.pos;
        let mut out = String::new();
        let rest = &self.src[self.pos..];
        let mut chars = rest.char_indices();
        while let Some((i, ch)) = chars.next() {
            match ch {
                '\'' => {
                    self.pos = body_start + i + 1;
                    return Ok(Tok::Str(out));
                }
                '\\' => match chars.clone().next() {
                    Some((_, c @ ('\\' | '\''))) => {
                        chars.next();
                        out.push(c);
                    }
                    _ => out.push('\\'),
                },
                c => out.push(c),
            }
        }
        Err(self.err(
            format!("Unclosed quote after \"'\" followed by '{}'", self.followed_by(body_start)),
            body_start,
        ))
    }

    /// The body of a double-quoted string after its opening quote (up to `terminator`, or to the
    /// end of the text for an interpolated heredoc), processing only the escapes in `escapes`.
    fn double_quoted(&mut self, terminator: Option<char>, escapes: &str) -> Result<Vec<DqPart>, LexError> {
        let mut parts = Vec::new();
        let mut text = String::new();
        // What Puppet names in an unclosed-quote message: the last thing matched before the segment.
        let mut after = "'\"'".to_string();
        let mut seg_start = self.pos;
        loop {
            let Some(ch) = self.src[self.pos..].chars().next() else {
                if terminator.is_none() {
                    if !text.is_empty() || parts.is_empty() {
                        parts.push(DqPart::Text(text));
                    }
                    return Ok(parts);
                }
                return Err(self.err(
                    format!("Unclosed quote after {after} followed by '{}'", self.followed_by(seg_start)),
                    seg_start,
                ));
            };
            match ch {
                c if Some(c) == terminator => {
                    self.pos += 1;
                    self.flush_warnings(self.pos);
                    if !text.is_empty() || parts.is_empty() {
                        parts.push(DqPart::Text(text));
                    }
                    return Ok(parts);
                }
                '\\' if !escapes.is_empty() => {
                    self.pos += 1;
                    let Some(e) = self.src[self.pos..].chars().next() else {
                        text.push('\\');
                        continue;
                    };
                    self.pos += e.len_utf8();
                    // `\` before a CRLF line break continues the line, as before LF.
                    if e == '\r' && self.peek(0) == b'\n' && escapes.contains('\n') {
                        self.pos += 1;
                        continue;
                    }
                    let enabled = escapes.contains(e) || e == '\\';
                    if !enabled && terminator.is_some() {
                        self.pending.push(format!("Unrecognized escape sequence '\\{e}'"));
                    }
                    if !enabled {
                        text.push('\\');
                        text.push(e);
                        continue;
                    }
                    match e {
                        'n' => text.push('\n'),
                        't' => text.push('\t'),
                        'r' => text.push('\r'),
                        's' => text.push(' '),
                        '$' => text.push('$'),
                        '"' => text.push('"'),
                        '\'' => text.push('\''),
                        '\\' => text.push('\\'),
                        '\n' => {}
                        'u' => match self.unicode_escape()? {
                            Some(c) => text.push(c),
                            None => {
                                if terminator.is_some() {
                                    self.pending.push(
                                        "Unicode escape '\\u' was not followed by 4 hex digits or 1-6 hex digits in {} or was > 10ffff"
                                            .into(),
                                    );
                                }
                                text.push_str("\\u");
                            }
                        },
                        other => {
                            // Unknown escapes are kept as written (with a warning in Puppet).
                            text.push('\\');
                            text.push(other);
                        }
                    }
                }
                '$' if self.peek(1) == b'{' => {
                    self.flush_warnings(self.pos + 2);
                    if !text.is_empty() {
                        parts.push(DqPart::Text(std::mem::take(&mut text)));
                    }
                    let expr_start = self.pos;
                    self.pos += 2;
                    let saved = self.last.take();
                    let toks = self.run(true)?;
                    self.last = saved;
                    let span = Span::new(expr_start, self.pos);
                    // `${name}` and `${name[...]}`/`${name.f}` mean the variable `$name`.
                    parts.push(DqPart::Expr(toks, span));
                    after = "'}'".into();
                    seg_start = self.pos;
                }
                '$' if is_word(self.peek(1)) || self.peek(1) == b':' && self.peek(2) == b':' => {
                    self.flush_warnings(self.pos + 1);
                    if !text.is_empty() {
                        parts.push(DqPart::Text(std::mem::take(&mut text)));
                    }
                    let vstart = self.pos;
                    self.pos += 1;
                    match self.variable_name() {
                        Some(name) => {
                            after = format!("'{}'", name.rsplit("::").next().unwrap_or(&name));
                            parts.push(DqPart::Var(name, Span::new(vstart, self.pos)));
                        }
                        None => text.push('$'),
                    }
                    seg_start = self.pos;
                }
                c => {
                    if c == '$' {
                        // Puppet's scanner stops at every `$`, a variable or not.
                        self.flush_warnings(self.pos + 1);
                    }
                    self.pos += c.len_utf8();
                    text.push(c);
                }
            }
        }
    }

    /// `@(tag[:syntax][/escapes])` (`heredoc.md`): the text is the following lines up to the end
    /// marker `[|][-]tag`; `|` strips the marker's indentation from every line, `-` drops the last
    /// newline; a quoted tag interpolates; escapes are off unless listed after `/` (all when empty).
    fn heredoc(&mut self, start: usize) -> Result<Tok, LexError> {
        let spec_start = start + 2;
        // The spec runs to the first `)`, wherever it is; what is not `@(tag[:syntax][/escapes])`
        // is an error located after that `)`, as Puppet's scanner stands there.
        let close = self.src[spec_start..].find(')').map(|i| spec_start + i).ok_or_else(|| {
            self.err(
                format!("Unclosed parenthesis after '@(' followed by '{}'", self.followed_by(start)),
                start,
            )
        })?;
        let after = close + 1;
        let invalid = || LexError {
            internal: false,
            message: "Invalid syntax in heredoc expected @(endtag[:syntax][/escapes])".into(),
            offset: Some(after),
        };
        let (tag_text, syntax, flags) = heredoc_spec(&self.src[spec_start..close]).ok_or_else(invalid)?;
        let syntax = syntax.to_string();
        let tag_text = tag_text.trim();
        let (tag, interpolate) = match tag_text.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
            Some(t) => (t.trim(), true),
            None => (tag_text, false),
        };
        if tag.is_empty() {
            return Err(self.err("Heredoc with an empty endtag", after));
        }
        let mut escapes = String::new();
        if let Some(f) = flags {
            let f = if f.is_empty() { "trnsuL$" } else { f };
            let mut seen = String::new();
            for c in f.chars() {
                if seen.contains(c) {
                    let all: Vec<String> = f.chars().map(String::from).collect();
                    return Err(self.err(
                        format!("An escape char for @() may only appear once. Got '{}'", all.join(", ")),
                        after,
                    ));
                }
                seen.push(c);
            }
            for c in f.chars() {
                match c {
                    't' | 'r' | 'n' | 's' | 'u' | '$' => escapes.push(c),
                    'L' => escapes.push('\n'),
                    _ => {
                        return Err(self.err(
                            format!(
                                "Invalid heredoc escape char. Only t, r, n, s,  u, L, $ allowed. Got '{c}'"
                            ),
                            after,
                        ))
                    }
                }
            }
        }
        self.pos = close + 1;
        let body_start = match self.heredoc_resume {
            Some(p) => p,
            None => match self.src[self.pos..].find('\n') {
                Some(i) => self.pos + i + 1,
                None => return Err(self.err("Heredoc without any following lines of text", close + 1)),
            },
        };
        // Find the end marker line.
        let mut line_start = body_start;
        let (end_line, margin, trim) = loop {
            if line_start >= self.src.len() {
                return Err(self.err("Heredoc without end-tagged line", body_start));
            }
            let line_end = self.src[line_start..].find('\n').map_or(self.src.len(), |i| line_start + i);
            if let Some((margin, trim)) = end_marker(&self.src[line_start..line_end], tag) {
                break (line_start..line_end, margin, trim);
            }
            line_start = line_end + 1;
        };
        self.heredoc_resume = Some((end_line.end + 1).min(self.src.len()));
        // Strip the margin line by line, remembering where each stripped line came from.
        let mut text = String::new();
        let mut map: Vec<(usize, usize)> = Vec::new();
        let mut at = body_start;
        while at < end_line.start {
            let line_end = self.src[at..end_line.start].find('\n').map_or(end_line.start, |i| at + i + 1);
            let line = &self.src[at..line_end];
            let strip = line.bytes().take(margin).take_while(|b| *b == b' ' || *b == b'\t').count();
            map.push((text.len(), at + strip));
            text.push_str(&line[strip..]);
            at = line_end;
        }
        if trim {
            if text.ends_with("\r\n") {
                text.truncate(text.len() - 2);
            } else if text.ends_with('\n') {
                text.pop();
            }
        }
        let mut sub = Lexer::new(&text);
        let mut parts = if interpolate {
            sub.double_quoted(None, &escapes)?
        } else {
            // Only the escapes apply: lex as an interpolation-free string.
            let mut out = String::new();
            let mut chars = text.chars().peekable();
            while let Some(c) = chars.next() {
                match (c, chars.peek()) {
                    ('\\', Some(&e)) if !escapes.is_empty() && (escapes.contains(e) || e == '\\') => {
                        chars.next();
                        match e {
                            'n' => out.push('\n'),
                            't' => out.push('\t'),
                            'r' => out.push('\r'),
                            's' => out.push(' '),
                            '\n' => {}
                            'u' => {
                                let rest: String = chars.clone().collect();
                                let mut ul = Lexer::new(&rest);
                                match ul.unicode_escape()? {
                                    Some(c) => out.push(c),
                                    None => out.push_str("\\u"),
                                }
                                for _ in 0..rest[..ul.pos].chars().count() {
                                    chars.next();
                                }
                            }
                            other => out.push(other),
                        }
                    }
                    _ => out.push(c),
                }
            }
            vec![DqPart::Text(out)]
        };
        let remap = |o: u32| -> u32 {
            let o = o as usize;
            let i = map.partition_point(|(s, _)| *s <= o).saturating_sub(1);
            map.get(i).map_or(body_start, |(s, orig)| orig + (o - s)) as u32
        };
        remap_parts(&mut parts, &remap);
        Ok(match parts.as_slice() {
            [DqPart::Text(t)] if !interpolate => {
                if !syntax.is_empty() {
                    self.heredocs.push(Heredoc { at: start, syntax, body: body_start });
                }
                Tok::Str(t.clone())
            }
            _ => Tok::Dq(parts),
        })
    }

    /// The character of a `\\u` escape (`\\uXXXX` or `\\u{X…}` with 1–6 hex digits), or `None`
    /// when what follows is not one (Puppet keeps the text and warns).
    /// A well-formed escape of what is no Unicode scalar value (`\\u{110000}`, `\\uD800`) makes
    /// Ruby fail later with an internal error, which Puppet reports unlocated.
    fn unicode_escape(&mut self) -> Result<Option<char>, LexError> {
        let rest = &self.src[self.pos..];
        let (hex, len) = match rest.strip_prefix('{') {
            Some(braced) => {
                let digits = braced.bytes().take_while(u8::is_ascii_hexdigit).count();
                if !(1..=6).contains(&digits) || braced.as_bytes().get(digits) != Some(&b'}') {
                    return Ok(None);
                }
                (&braced[..digits], digits + 2)
            }
            None => match rest.get(..4).filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit())) {
                Some(hex) => (hex, 4),
                None => return Ok(None),
            },
        };
        let code = u32::from_str_radix(hex, 16).unwrap_or(u32::MAX);
        let Some(c) = char::from_u32(code) else {
            return Err(LexError {
                internal: true,
                message: "invalid byte sequence in UTF-8".into(),
                offset: None,
            });
        };
        self.pos += len;
        Ok(Some(c))
    }

    /// Logs the pending warnings of a string segment at `offset`, where Puppet's scanner stands
    /// when it has read the segment.
    fn flush_warnings(&mut self, offset: usize) {
        for message in self.pending.drain(..) {
            self.warnings.push(LexError { internal: false, message, offset: Some(offset) });
        }
    }
}

/// `/^\d+(?:\.\d+)?(?:[eE]-?\d+)?$/`.
fn is_decimal(text: &str) -> bool {
    let (mant, exp) = match text.find(['e', 'E']) {
        Some(i) => (&text[..i], Some(&text[i + 1..])),
        None => (text, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let mant_ok = match mant.split_once('.') {
        Some((i, f)) => digits(i) && digits(f),
        None => digits(mant),
    };
    mant_ok && exp.is_none_or(|e| digits(e.strip_prefix('-').unwrap_or(e)))
}

/// Lower-case hex of a number written in `radix` (any size: it is reported when too large).
fn to_hex(digits: &str, radix: u32) -> String {
    // Little-endian base-16 digits, multiplied up digit by digit.
    let mut out: Vec<u32> = vec![0];
    for d in digits.chars().filter_map(|c| c.to_digit(radix)) {
        let mut carry = d;
        for h in out.iter_mut() {
            let v = *h * radix + carry;
            *h = v % 16;
            carry = v / 16;
        }
        while carry > 0 {
            out.push(carry % 16);
            carry /= 16;
        }
    }
    while out.len() > 1 && out.last() == Some(&0) {
        out.pop();
    }
    out.iter().rev().map(|h| char::from_digit(*h, 16).unwrap_or('0')).collect()
}

/// Splits a heredoc spec (between `@(` and `)`) as Puppet's `PATTERN_HEREDOC` does:
/// `tag[:syntax][/escapes]` (syntax empty when absent), blanks allowed around syntax and after
/// escapes; `None` if it does not match.
fn heredoc_spec(spec: &str) -> Option<(&str, &str, Option<&str>)> {
    let blank = |c: char| c == ' ' || c == '\t';
    let tag_end = spec.find([':', '/', '\r', '\n']).unwrap_or(spec.len());
    let (tag, mut rest) = spec.split_at(tag_end);
    if tag.is_empty() {
        return None;
    }
    let mut syntax = "";
    if let Some(r) = rest.strip_prefix(':') {
        let r = r.trim_start_matches(blank);
        let len = r.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '+')).unwrap_or(r.len());
        if len < 2 || !r.as_bytes()[0].is_ascii_lowercase() {
            return None;
        }
        syntax = &r[..len];
        rest = r[len..].trim_start_matches(blank);
    }
    let mut flags = None;
    if let Some(r) = rest.strip_prefix('/') {
        let len = r.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '$')).unwrap_or(r.len());
        flags = Some(&r[..len]);
        rest = r[len..].trim_start_matches(blank);
    }
    rest.is_empty().then_some((tag, syntax, flags))
}

/// Why `name` cannot name a variable (Puppet's `ILLEGAL_NUMERIC_VAR_NAME`/`ILLEGAL_VAR_NAME`), if so.
pub fn variable_name_error(name: &str) -> Option<String> {
    if name.as_bytes().first().is_some_and(u8::is_ascii_digit) {
        let decimal = name == "0" || !name.starts_with('0') && name.bytes().all(|b| b.is_ascii_digit());
        return (!decimal).then(|| {
            format!("Illegal numeric variable name, The given name '{name}' must be a decimal value if it starts with a digit 0-9")
        });
    }
    (!valid_variable_name(name)).then(|| {
        format!("Illegal variable name, The given name '{name}' does not conform to the naming rule /^((::)?[a-z]\\w*)*((::)?[a-z_]\\w*)$/")
    })
}

/// Puppet's variable naming rule `/^((::)?[a-z]\w*)*((::)?[a-z_]\w*)$/`, or a match number.
fn valid_variable_name(name: &str) -> bool {
    if name.bytes().all(|b| b.is_ascii_digit()) {
        return true;
    }
    let mut name = name;
    while let Some(rest) = name.strip_prefix("::") {
        name = rest;
    }
    // The common case, one segment, without splitting.
    if !name.as_bytes().contains(&b':') {
        return name.as_bytes().first().is_some_and(|b| b.is_ascii_lowercase() || *b == b'_');
    }
    let segs: Vec<&str> = name.split("::").collect();
    segs.iter().enumerate().all(|(i, seg)| match seg.as_bytes().first() {
        Some(b) if b.is_ascii_lowercase() => true,
        Some(b'_') => i + 1 == segs.len(),
        _ => false,
    })
}

/// Whether `line` ends a heredoc tagged `tag`: `[blanks][|][blanks][-][blanks]tag[blanks]`.
/// Returns the margin to strip (the indentation before `|`) and whether to trim the last newline.
/// Like Puppet's unanchored `scan_until`, a line that merely ends with the tag also ends the text.
fn end_marker(line: &str, tag: &str) -> Option<(usize, bool)> {
    let blank = |c: char| c == ' ' || c == '\t';
    let line = line.strip_suffix('\r').unwrap_or(line).trim_end_matches(blank);
    let rest = line.strip_suffix(tag)?.trim_end_matches(blank);
    let (trim, rest) = match rest.strip_suffix('-') {
        Some(r) => (true, r.trim_end_matches(blank)),
        None => (false, rest),
    };
    let margin = match rest.strip_suffix('|') {
        Some(r) if r.chars().all(blank) => r.len(),
        _ => 0,
    };
    Some((margin, trim))
}

/// Moves spans lexed from a heredoc's stripped text back to their place in the file.
fn remap_parts(parts: &mut [DqPart], f: &dyn Fn(u32) -> u32) {
    let span = |s: &mut Span| {
        s.start = f(s.start);
        s.end = f(s.end);
    };
    for p in parts {
        match p {
            DqPart::Text(_) => {}
            DqPart::Var(_, s) => span(s),
            DqPart::Expr(toks, s) => {
                span(s);
                for t in toks {
                    span(&mut t.span);
                    if let Tok::Dq(inner) = &mut t.tok {
                        remap_parts(inner, f);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<Tok> {
        lex(src).unwrap().into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn numbers_follow_puppet() {
        assert_eq!(
            kinds("010 0x1F 3.5 12"),
            vec![Tok::Int(8), Tok::Int(31), Tok::Float(3.5), Tok::Int(12), Tok::Eof]
        );
    }

    #[test]
    fn slash_is_regex_only_where_a_value_may_start() {
        assert_eq!(
            kinds("$x =~ /a\\/b/"),
            vec![Tok::Var("x".into()), Tok::Match, Tok::Regex("a/b".into()), Tok::Eof]
        );
        assert_eq!(
            kinds("$x / 2 / 1"),
            vec![Tok::Var("x".into()), Tok::Div, Tok::Int(2), Tok::Div, Tok::Int(1), Tok::Eof]
        );
    }

    #[test]
    fn brackets_depend_on_whitespace() {
        assert_eq!(kinds("$x[1]")[1], Tok::LBrack);
        assert_eq!(kinds("$x [1]")[1], Tok::ListStart);
    }

    #[test]
    fn interpolation_is_prelexed() {
        let toks = kinds(r#""a $b ${c['d']} \n""#);
        let Tok::Dq(parts) = &toks[0] else { panic!() };
        assert_eq!(parts.len(), 5);
        assert_eq!(parts[0], DqPart::Text("a ".into()));
        assert!(matches!(&parts[1], DqPart::Var(n, _) if n == "b"));
        assert!(matches!(&parts[3], DqPart::Expr(t, _) if t.len() == 5));
        assert_eq!(parts[4], DqPart::Text(" \n".into()));
    }

    #[test]
    fn unclosed_quotes_report_like_puppet() {
        let e = lex("$x = 'abc\n").unwrap_err();
        assert_eq!(e.message, "Unclosed quote after \"'\" followed by 'abc\\n...'");
        assert_eq!(e.offset, Some(6));
    }
}
