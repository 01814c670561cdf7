//! The hand-written recursive-descent parser with Pratt-style operator precedence
//! (`expression_precedence.md`, `egrammar.ra`'s precedence table). Statements and expressions are
//! the same thing in Puppet; the few statement-only forms (resource expressions, statement calls
//! without parentheses, definitions) are recognised where a statement may start.

use std::sync::Arc;

use crate::ast::*;
use crate::lexer::{lex, variable_name_error, DqPart, Kw, LexError, Tok, Token};
use crate::span::Span;

/// A syntax error at a byte offset (`None`: at end of input).
#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    pub message: String,
    pub offset: Option<usize>,
    /// Puppet fails here with an internal error (not its ParseError), which its face follows
    /// with a usage hint.
    pub internal: bool,
}

impl From<LexError> for ParseError {
    fn from(e: LexError) -> Self {
        ParseError { internal: e.internal, message: e.message, offset: e.offset }
    }
}

/// Functions that may be called as statements without parentheses (`include a, b`).
const STATEMENT_CALLS: &[&str] = &[
    "require", "realize", "include", "contain", "tag", "debug", "info", "notice", "warning", "err", "alert",
    "crit", "emerg", "fail", "import", "break", "next", "return",
];

/// How deeply expressions may nest in a manifest.
pub const MAX_NESTING: usize = 1_200;

/// Parses a whole manifest into its top-level statements (failing at its first error).
pub fn parse(src: &str) -> Result<Vec<Expr>, ParseError> {
    let stmts = parse_tokens(src, lex(src)?)?;
    crate::validate::validate(src, &stmts)?;
    Ok(stmts)
}

/// Everything Puppet reports on a manifest's text, each list in its order.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Checked {
    /// The lexer's warnings, then the validator's.
    pub warnings: Vec<ParseError>,
    /// How many of `warnings` the validator gave (Puppet counts only those in its summary).
    pub validator_warnings: usize,
    /// The lexical or syntax error that stopped parsing, or the validator's errors.
    pub errors: Vec<ParseError>,
    /// Errors logged before `errors`, located in another text (see [`crate::validate::Diagnostics`]).
    pub logged: Vec<String>,
    /// The parsed file, when it parsed (what it defines is registered even when it has warnings).
    pub statements: Vec<Expr>,
}

/// Lexes, parses and validates `src`, collecting what `puppet parser validate` would report.
pub fn check(src: &str) -> Checked {
    check_in_module(src, None)
}

/// [`check`] for a file that may be inside a module (see [`crate::validate::ModuleFile`]).
pub fn check_in_module(src: &str, module: Option<&crate::validate::ModuleFile>) -> Checked {
    let lexed = crate::lexer::lex_all(src);
    let mut warnings: Vec<ParseError> = lexed.warnings.into_iter().map(ParseError::from).collect();
    match lexed.tokens.map_err(ParseError::from).and_then(|t| parse_tokens(src, t)) {
        Err(e) => Checked {
            warnings,
            validator_warnings: 0,
            errors: vec![e],
            logged: Vec::new(),
            statements: Vec::new(),
        },
        Ok(stmts) => {
            let found = crate::validate::check_in_module(src, &stmts, &lexed.heredocs, module);
            let validator_warnings = found.warnings.len();
            warnings.extend(found.warnings);
            Checked {
                warnings,
                validator_warnings,
                errors: found.errors,
                logged: found.logged,
                statements: stmts,
            }
        }
    }
}

fn parse_tokens(src: &str, tokens: Vec<Token>) -> Result<Vec<Expr>, ParseError> {
    let mut p = Parser { src, toks: tokens, pos: 0, no_brace: false, retrying_as_hash: false, nesting: 0 };
    let stmts = p.statements()?;
    if !matches!(p.peek().tok, Tok::Eof) {
        return Err(p.unexpected());
    }
    Ok(stmts)
}

struct Parser<'a> {
    src: &'a str,
    toks: Vec<Token>,
    pos: usize,
    /// Set while parsing a condition (`if x {`): a `{` ends the expression instead of opening a
    /// resource body or hash.
    no_brace: bool,
    /// Set while re-reading a failed resource body as a hash (only to word the error): nested
    /// failures inside it do not retry again, which would make nesting exponential.
    retrying_as_hash: bool,
    /// How deeply `expr` is nested now.
    nesting: usize,
}

type PResult<T> = Result<T, ParseError>;

impl<'a> Parser<'a> {
    fn peek(&self) -> &Token {
        &self.toks[self.pos.min(self.toks.len() - 1)]
    }

    /// The next token for matching on its kind and span only: a string payload (names, strings,
    /// regexes, interpolations) comes back empty instead of copied, which keeps the hot loops
    /// free of allocations.
    fn peek_shallow(&self) -> Token {
        let t = self.peek();
        Token { tok: t.tok.shallow(), span: t.span, ws_before: t.ws_before }
    }

    /// Moves past the next token without copying it.
    fn advance(&mut self) {
        self.pos += 1;
    }

    fn peek_at(&self, n: usize) -> &Token {
        &self.toks[(self.pos + n).min(self.toks.len() - 1)]
    }

    fn bump(&mut self) -> Token {
        // Past the end `peek` keeps answering Eof; advancing anyway keeps `pos -= 1` (un-bump) exact.
        let t = self.peek().clone();
        self.pos += 1;
        t
    }

    fn at(&self, t: &Tok) -> bool {
        &self.peek().tok == t
    }

    fn eat(&mut self, t: &Tok) -> bool {
        if self.at(t) {
            self.advance();
            true
        } else {
            false
        }
    }

    fn unexpected(&self) -> ParseError {
        let t = self.peek();
        if matches!(t.tok, Tok::Eof) {
            return ParseError {
                internal: false,
                message: "Syntax error at end of input".into(),
                offset: None,
            };
        }
        let text = self.src.get(t.span.start as usize..t.span.end as usize).unwrap_or("?");
        let text = match &t.tok {
            Tok::Str(s) => s.clone(),
            // Puppet's token for a double-quoted string is its text up to any interpolation.
            Tok::Dq(parts) => match parts.first() {
                Some(DqPart::Text(t)) => t.clone(),
                _ => String::new(),
            },
            _ => text.to_string(),
        };
        ParseError {
            internal: false,
            message: format!("Syntax error at '{text}'"),
            offset: Some(t.span.start as usize),
        }
    }

    /// Whether the tokens from `n` on start an attribute list (`name =>`, `name +>`, `* =>`).
    fn attributes_follow(&self, n: usize) -> bool {
        let arrow = |t: &Tok| matches!(t, Tok::FArrow | Tok::PArrow);
        match &self.peek_at(n).tok {
            Tok::Name(_) | Tok::Kw(_) => arrow(&self.peek_at(n + 1).tok),
            Tok::Star => self.peek_at(n + 1).tok == Tok::FArrow,
            _ => false,
        }
    }

    fn expect(&mut self, t: &Tok) -> PResult<Token> {
        if self.at(t) {
            Ok(self.bump())
        } else {
            Err(self.unexpected())
        }
    }

    /// Whether only blanks precede `t` on its line: Puppet's lexer makes such a `(` a WSLPAREN,
    /// which never opens a call's argument list (`foo (1)` is a call, `foo` + newline + `(1)` not).
    fn starts_line(&self, t: &Token) -> bool {
        let before = &self.src.as_bytes()[..(t.span.start as usize).min(self.src.len())];
        before.iter().rev().take_while(|b| **b != b'\n').all(|b| matches!(b, b' ' | b'\t' | b'\r'))
    }

    fn prev_end(&self) -> u32 {
        self.toks[self.pos.saturating_sub(1)].span.end
    }

    /// Statements up to a `}` or the end of input (not consumed).
    fn statements(&mut self) -> PResult<Vec<Expr>> {
        let mut out = Vec::new();
        loop {
            while self.eat(&Tok::Semi) {}
            if matches!(self.peek().tok, Tok::RBrace | Tok::Eof) {
                return Ok(out);
            }
            out.push(self.statement()?);
        }
    }

    fn block(&mut self) -> PResult<Vec<Expr>> {
        self.expect(&Tok::LBrace)?;
        let saved = std::mem::replace(&mut self.no_brace, false);
        let body = self.statements()?;
        self.no_brace = saved;
        self.expect(&Tok::RBrace)?;
        Ok(body)
    }

    fn statement(&mut self) -> PResult<Expr> {
        // Only a name's text is needed below (statement-like calls).
        let t =
            if matches!(self.peek().tok, Tok::Name(_)) { self.peek().clone() } else { self.peek_shallow() };
        match &t.tok {
            Tok::Kw(Kw::Class) if matches!(self.peek_at(1).tok, Tok::Name(_)) => return self.class_def(),
            Tok::Kw(Kw::Define) => return self.define_def(),
            Tok::Kw(Kw::Node) => return self.node_def(),
            Tok::Kw(Kw::Function) => return self.function_def(),
            Tok::Kw(Kw::Type) if matches!(self.peek_at(1).tok, Tok::Ref(_)) => return self.type_alias(),
            Tok::Kw(Kw::Type) if matches!(self.peek_at(1).tok, Tok::Name(_)) => {
                self.advance();
                return Err(self.unexpected());
            }
            Tok::Name(name) if STATEMENT_CALLS.contains(&name.as_str()) => {
                let next = self.peek_at(1);
                let is_call_paren = matches!(next.tok, Tok::LParen) && !self.starts_line(next);
                if !is_call_paren && starts_expression(&next.tok) && !matches!(next.tok, Tok::LBrace) {
                    self.advance();
                    let mut args = vec![self.expr(3)?];
                    while self.eat(&Tok::Comma) {
                        args.push(self.expr(3)?);
                    }
                    let span = Span { start: t.span.start, end: self.prev_end() };
                    let call = Expr::new(ExprKind::Call { name: name.clone(), args, lambda: None }, span);
                    return self.continue_infix(call, 0);
                }
            }
            _ => {}
        }
        self.expr(0)
    }

    fn continue_infix(&mut self, lhs: Expr, min_bp: u8) -> PResult<Expr> {
        self.infix_loop(lhs, min_bp)
    }

    /// An expression whose operators bind at least as tightly as `min_bp`. Nesting deeper than
    /// [`MAX_NESTING`] is refused with Puppet's "stack level too deep" (Puppet 7 here accepts
    /// arrays nested 1,100 deep and fails at 1,300), so that neither parsing nor anything walking the tree afterwards can
    /// exhaust the stack.
    fn expr(&mut self, min_bp: u8) -> PResult<Expr> {
        if self.nesting >= MAX_NESTING {
            return Err(ParseError {
                internal: false,
                message: "stack level too deep".into(),
                offset: Some(self.peek().span.start as usize),
            });
        }
        self.nesting += 1;
        let r = stacker::maybe_grow(128 * 1024, 4 << 20, || {
            let lhs = self.prefix()?;
            self.infix_loop(lhs, min_bp)
        });
        self.nesting -= 1;
        r
    }

    fn infix_loop(&mut self, mut lhs: Expr, min_bp: u8) -> PResult<Expr> {
        loop {
            let t = self.peek_shallow();
            // Postfix forms.
            match &t.tok {
                Tok::LBrack if 27 >= min_bp => {
                    self.advance();
                    if self.at(&Tok::RBrack) {
                        return Err(self.unexpected());
                    }
                    let args = self.list_until(&Tok::RBrack)?;
                    let span = lhs.span.to(Span { start: t.span.start, end: self.prev_end() });
                    lhs = Expr::new(ExprKind::Access(Box::new(lhs), args), span);
                    // `Type['x'] { attrs }` is a resource override.
                    if self.at(&Tok::LBrace) && !self.no_brace && is_type_access(&lhs) {
                        let attrs = self.attribute_block()?;
                        let span = lhs.span.to(Span { start: lhs.span.start, end: self.prev_end() });
                        lhs = Expr::new(ExprKind::ResourceOverride { target: Box::new(lhs), attrs }, span);
                    }
                    continue;
                }
                Tok::Dot if 27 >= min_bp => {
                    self.advance();
                    let nt = self.bump();
                    let name = match &nt.tok {
                        Tok::Name(n) => n.clone(),
                        Tok::Ref(n) => n.clone(),
                        Tok::Kw(_) => self.src[nt.span.start as usize..nt.span.end as usize].to_string(),
                        _ => {
                            self.pos -= 1;
                            return Err(self.unexpected());
                        }
                    };
                    let mut args = Vec::new();
                    if self.at(&Tok::LParen) && !self.starts_line(self.peek()) {
                        self.advance();
                        args = self.list_until(&Tok::RParen)?;
                    }
                    let lambda = self.opt_lambda()?;
                    let span = lhs.span.to(Span { start: nt.span.start, end: self.prev_end() });
                    lhs =
                        Expr::new(ExprKind::MethodCall { receiver: Box::new(lhs), name, args, lambda }, span);
                    continue;
                }
                // Puppet's grammar ranks the selector's `?` below the comparisons and above
                // `and` (`$a < $b ? {…}` selects on the comparison).
                Tok::Question if 9 >= min_bp => {
                    self.advance();
                    self.expect(&Tok::LBrace)?;
                    let mut options = Vec::new();
                    while !self.at(&Tok::RBrace) {
                        let k = self.expr(3)?;
                        self.expect(&Tok::FArrow)?;
                        let v = self.expr(3)?;
                        options.push((k, v));
                        if !self.eat(&Tok::Comma) {
                            break;
                        }
                    }
                    self.expect(&Tok::RBrace)?;
                    let span = lhs.span.to(Span { start: t.span.start, end: self.prev_end() });
                    lhs = Expr::new(ExprKind::Selector { subject: Box::new(lhs), options }, span);
                    continue;
                }
                _ => {}
            }
            match &t.tok {
                // `expression { attr => … }`: Puppet's grammar makes any expression the type of
                // a resource (or defaults, or override); its factory then fails internally for
                // what is none of those (a name, a type or a type access are handled before).
                Tok::LBrace
                    if 27 >= min_bp
                        && !self.no_brace
                        && self.attributes_follow(1)
                        && !matches!(
                            lhs.kind,
                            ExprKind::BareWord(_) | ExprKind::TypeRef(_) | ExprKind::Access(..)
                        ) =>
                {
                    return Err(ParseError {
                        internal: true,
                        message:
                            "Expression is not valid as a resource, resource-default, or resource-override"
                                .into(),
                        offset: Some(lhs.span.start as usize),
                    });
                }
                // `expression(`: Puppet's grammar calls any expression; its validator accepts
                // only a name (which `prefix` has taken) or a type.
                Tok::LParen if 27 >= min_bp && !t.ws_before && !self.starts_line(&t) => {
                    return Err(ParseError {
                        internal: false,
                        message: format!(
                            "Illegal expression. {} is unacceptable as function name in a Function Call",
                            crate::validate::a_an_uc(&crate::validate::label(&lhs))
                        ),
                        offset: Some(lhs.span.start as usize),
                    });
                }
                Tok::LCollect | Tok::LLCollect if 27 >= min_bp => {
                    let query = if t.tok == Tok::LCollect { "Virtual Query" } else { "Exported Query" };
                    return Err(ParseError {
                        internal: false,
                        message: format!(
                            "Illegal expression. {} is unacceptable as type name in a {query}",
                            crate::validate::a_an_uc(&crate::validate::label(&lhs))
                        ),
                        offset: Some(lhs.span.start as usize),
                    });
                }
                _ => {}
            }
            let Some((l, r, kind)) = infix_op(&t.tok) else { break };
            if l < min_bp {
                break;
            }
            self.advance();
            let rhs = self.expr(r)?;
            let span = lhs.span.to(rhs.span);
            lhs = match kind {
                Infix::Bin(op) => Expr::new(ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)), span),
                Infix::Arrow(a) => Expr::new(ExprKind::Relationship(a, Box::new(lhs), Box::new(rhs)), span),
                Infix::Assign(None) => Expr::new(ExprKind::Assign(Box::new(lhs), Box::new(rhs)), span),
                Infix::Assign(Some(op)) => {
                    let value = Expr::new(ExprKind::Binary(op, Box::new(lhs.clone()), Box::new(rhs)), span);
                    Expr::new(ExprKind::Assign(Box::new(lhs), Box::new(value)), span)
                }
            };
        }
        Ok(lhs)
    }

    /// Comma-separated expressions up to `close` (consumed); a trailing comma is allowed.
    fn list_until(&mut self, close: &Tok) -> PResult<Vec<Expr>> {
        // Array entries and arguments are `assignment`s in egrammar; access keys `expression`s.
        let min_bp = if *close == Tok::RBrack && self.toks[self.pos - 1].tok == Tok::LBrack { 3 } else { 1 };
        let saved = std::mem::replace(&mut self.no_brace, false);
        let mut items = Vec::new();
        while !self.at(close) {
            items.push(self.expr(min_bp)?);
            if !self.eat(&Tok::Comma) {
                break;
            }
        }
        self.no_brace = saved;
        self.expect(close)?;
        Ok(items)
    }

    fn opt_lambda(&mut self) -> PResult<Option<Box<Lambda>>> {
        if !self.at(&Tok::Pipe) {
            return Ok(None);
        }
        let start = self.bump().span;
        let mut params = Vec::new();
        while !self.at(&Tok::Pipe) {
            params.push(self.param()?);
            if !self.eat(&Tok::Comma) {
                break;
            }
        }
        self.expect(&Tok::Pipe)?;
        let body = self.block()?;
        Ok(Some(Box::new(Lambda { params, body, span: Span { start: start.start, end: self.prev_end() } })))
    }

    fn prefix(&mut self) -> PResult<Expr> {
        let t = self.bump();
        let sp = t.span;
        let kind = match t.tok {
            Tok::Int(i) => ExprKind::Int(i),
            Tok::Float(f) => ExprKind::Float(f),
            Tok::Str(s) => ExprKind::Str(s),
            Tok::Dq(parts) => self.interpolated(parts)?,
            Tok::Regex(r) => ExprKind::Regex(r),
            Tok::Var(v) => return variable(v, sp),
            // egrammar's `reserved_word`: an expression the validator always rejects.
            Tok::Kw(kw @ (Kw::Private | Kw::Attr)) => {
                let word = if kw == Kw::Private { "private" } else { "attr" };
                return Err(ParseError {
                    internal: false,
                    message: format!(
                        "Use of reserved word: {word}, must be quoted if intended to be a String value"
                    ),
                    offset: Some(sp.start as usize),
                });
            }
            Tok::Kw(Kw::True) => ExprKind::Bool(true),
            Tok::Kw(Kw::False) => ExprKind::Bool(false),
            Tok::Kw(Kw::Undef) => ExprKind::Undef,
            Tok::Kw(Kw::Default) => ExprKind::Default,
            Tok::Not => {
                let e = self.expr(23)?;
                let span = sp.to(e.span);
                return Ok(Expr::new(ExprKind::Not(Box::new(e)), span));
            }
            Tok::Minus => {
                let e = self.expr(23)?;
                let span = sp.to(e.span);
                return Ok(Expr::new(ExprKind::Neg(Box::new(e)), span));
            }
            Tok::Star => {
                let e = self.expr(23)?;
                let span = sp.to(e.span);
                return Ok(Expr::new(ExprKind::Splat(Box::new(e)), span));
            }
            Tok::LParen => {
                let saved = std::mem::replace(&mut self.no_brace, false);
                let e = self.expr(0)?;
                self.no_brace = saved;
                self.expect(&Tok::RParen)?;
                ExprKind::Paren(Box::new(e))
            }
            Tok::ListStart | Tok::LBrack => ExprKind::Array(self.list_until(&Tok::RBrack)?),
            Tok::LBrace => {
                self.pos -= 1;
                return self.hash();
            }
            Tok::At | Tok::AtAt => {
                let form = if t.tok == Tok::At { ResourceForm::Virtual } else { ResourceForm::Exported };
                if let Tok::Ref(n) = &self.peek().tok {
                    // `@Type { attr => … }` (defaults) and `@Type['t'] { … }` (an override) parse,
                    // and are then refused: "Resource Defaults are not virtualizable".
                    let n = n.clone();
                    if matches!(self.peek_at(1).tok, Tok::LCollect | Tok::LLCollect) {
                        // Puppet's parser factory refuses this with an internal error.
                        return Err(ParseError {
                            internal: true,
                            message: "Virtual (@) can only be applied to a Resource Expression".into(),
                            offset: Some(sp.start as usize),
                        });
                    }
                    if self.peek_at(1).tok == Tok::LBrack {
                        return Err(ParseError {
                            internal: false,
                            message: "Resource Defaults are not virtualizable".into(),
                            offset: Some(sp.start as usize),
                        });
                    }
                    if self.peek_at(1).tok == Tok::LBrace && self.attributes_follow(2) {
                        self.advance();
                        let attrs = self.attribute_block()?;
                        let kind = ExprKind::ResourceDefaults { form, type_name: n, attrs };
                        return Ok(Expr::new(kind, Span { start: sp.start, end: self.prev_end() }));
                    }
                }
                let nt = self.bump();
                let name = match nt.tok {
                    Tok::Name(n) => n,
                    Tok::Kw(Kw::Class) => "class".into(),
                    Tok::Ref(n) => n,
                    _ => {
                        self.pos -= 1;
                        return Err(self.unexpected());
                    }
                };
                let type_name = Box::new(Expr::new(ExprKind::BareWord(name), nt.span));
                let bodies = self.resource_bodies()?;
                ExprKind::Resource { form, type_name, bodies }
            }
            // `type(value)` is the function, not the alias keyword.
            Tok::Kw(Kw::Type) if self.at(&Tok::LParen) && !self.starts_line(self.peek()) => {
                self.advance();
                let args = self.list_until(&Tok::RParen)?;
                let lambda = self.opt_lambda()?;
                ExprKind::Call { name: "type".into(), args, lambda }
            }
            Tok::Kw(Kw::If) => self.if_expr(false)?,
            Tok::Kw(Kw::Unless) => self.if_expr(true)?,
            Tok::Kw(Kw::Case) => self.case_expr()?,
            Tok::Kw(Kw::Class) if self.at(&Tok::LBrace) && !self.no_brace => {
                let type_name = Box::new(Expr::new(ExprKind::BareWord("class".into()), sp));
                let bodies = self.resource_bodies()?;
                ExprKind::Resource { form: ResourceForm::Regular, type_name, bodies }
            }
            Tok::Name(n) => {
                if self.at(&Tok::LParen) && !self.starts_line(self.peek()) {
                    self.advance();
                    let args = self.list_until(&Tok::RParen)?;
                    let lambda = self.opt_lambda()?;
                    ExprKind::Call { name: n, args, lambda }
                } else if self.at(&Tok::LBrace) && !self.no_brace {
                    let type_name = Box::new(Expr::new(ExprKind::BareWord(n.clone()), sp));
                    let before = self.pos;
                    match self.resource_bodies().and_then(|b| {
                        if b.is_empty() {
                            Err(self.unexpected())
                        } else {
                            Ok(b)
                        }
                    }) {
                        Ok(bodies) => ExprKind::Resource { form: ResourceForm::Regular, type_name, bodies },
                        Err(e) if self.retrying_as_hash => return Err(e),
                        Err(e) => {
                            // `file { ensure => x }` is a name followed by a hash in Puppet's grammar,
                            // which its validator rejects as a resource without a title.
                            let after = self.pos;
                            self.pos = before;
                            self.retrying_as_hash = true;
                            let as_hash = self.hash();
                            self.retrying_as_hash = false;
                            if as_hash.is_ok() {
                                return Err(ParseError {
                                    internal: false,
                                    message: format!("This expression is invalid. Did you try declaring a '{n}' resource without a title?"),
                                    offset: Some(sp.start as usize),
                                });
                            }
                            self.pos = after;
                            return Err(e);
                        }
                    }
                } else if self.at(&Tok::Pipe) {
                    let lambda = self.opt_lambda()?;
                    ExprKind::Call { name: n, args: vec![], lambda }
                } else {
                    ExprKind::BareWord(n)
                }
            }
            Tok::Ref(n) => {
                if self.at(&Tok::LParen) && !self.starts_line(self.peek()) {
                    self.advance();
                    let args = self.list_until(&Tok::RParen)?;
                    let mut all = vec![Expr::new(ExprKind::TypeRef(n), sp)];
                    all.extend(args);
                    ExprKind::Call { name: "new".into(), args: all, lambda: None }
                } else if self.at(&Tok::LBrace) && !self.no_brace {
                    let attrs = self.attribute_block()?;
                    ExprKind::ResourceDefaults { form: ResourceForm::Regular, type_name: n, attrs }
                } else if self.at(&Tok::LCollect) || self.at(&Tok::LLCollect) {
                    let exported = self.bump().tok == Tok::LLCollect;
                    let close = if exported { Tok::RRCollect } else { Tok::RCollect };
                    let query = if self.at(&close) { None } else { Some(Box::new(self.expr(3)?)) };
                    self.expect(&close)?;
                    let attrs = if self.at(&Tok::LBrace) && !self.no_brace {
                        self.attribute_block()?
                    } else {
                        vec![]
                    };
                    ExprKind::Collector { type_name: n, query, exported, attrs }
                } else {
                    ExprKind::TypeRef(n)
                }
            }
            _ => {
                self.pos -= 1;
                return Err(self.unexpected());
            }
        };
        Ok(Expr::new(kind, Span { start: sp.start, end: self.prev_end() }))
    }

    fn interpolated(&mut self, parts: Vec<DqPart>) -> PResult<ExprKind> {
        if let [DqPart::Text(s)] = parts.as_slice() {
            return Ok(ExprKind::Str(s.clone()));
        }
        let mut out = Vec::new();
        for part in parts {
            match part {
                DqPart::Text(s) => out.push(StrPart::Text(s)),
                DqPart::Var(v, span) => out.push(StrPart::Expr(variable(v, span)?)),
                DqPart::Expr(toks, span) => {
                    let mut sub = Parser {
                        src: self.src,
                        toks,
                        pos: 0,
                        no_brace: false,
                        retrying_as_hash: false,
                        nesting: self.nesting,
                    };
                    if matches!(sub.peek().tok, Tok::Eof) {
                        out.push(StrPart::Text(String::new()));
                        continue;
                    }
                    // Inside `${}` a leading bare name (or a number, `${1}`) means a variable:
                    // `${x}`, `${x['k']}`, `${0}`.
                    if let Tok::Float(_) = &sub.peek().tok {
                        let t = sub.peek();
                        let text = &self.src[t.span.start as usize..t.span.end as usize];
                        return Err(ParseError {
                            internal: false,
                            message: format!("Illegal numeric variable name, The given name '{text}' must be a decimal value if it starts with a digit 0-9"),
                            offset: Some(t.span.start as usize),
                        });
                    }
                    let leading = match &sub.peek().tok {
                        Tok::Name(n) => Some(n.clone()),
                        // `${type}`, `${class}`: keywords name variables here too, when alone or
                        // followed by `[` or `.` (Puppet's lexer); otherwise they keep their
                        // meaning (`${if $x { 1 } else { 2 }}`).
                        Tok::Kw(_) if matches!(sub.peek_at(1).tok, Tok::Eof | Tok::LBrack | Tok::Dot) => {
                            let t = sub.peek();
                            Some(self.src[t.span.start as usize..t.span.end as usize].to_string())
                        }
                        // `${1}` is the match variable, `${1 + 2}` arithmetic.
                        Tok::Int(_) if matches!(sub.peek_at(1).tok, Tok::Eof | Tok::LBrack) => {
                            let t = sub.peek();
                            Some(self.src[t.span.start as usize..t.span.end as usize].to_string())
                        }
                        _ => None,
                    };
                    if let Some(n) = leading {
                        let t0 = sub.peek().span;
                        if !matches!(sub.peek_at(1).tok, Tok::LParen) {
                            sub.bump();
                            let var = Expr::new(ExprKind::Var(n), t0);
                            let e = sub.infix_loop(var, 0)?;
                            if !matches!(sub.peek().tok, Tok::Eof) {
                                return Err(sub.unexpected());
                            }
                            out.push(StrPart::Expr(e));
                            continue;
                        }
                    }
                    let body = sub.statements()?;
                    if !matches!(sub.peek().tok, Tok::Eof) {
                        return Err(sub.unexpected());
                    }
                    out.push(StrPart::Expr(Expr::new(ExprKind::Block(body), span)));
                }
            }
        }
        Ok(ExprKind::Interpolated(out))
    }

    fn hash(&mut self) -> PResult<Expr> {
        let start = self.expect(&Tok::LBrace)?.span;
        let saved = std::mem::replace(&mut self.no_brace, false);
        let mut entries = Vec::new();
        while !self.at(&Tok::RBrace) {
            let k = self.hash_key()?;
            self.expect(&Tok::FArrow)?;
            let v = self.expr(1)?;
            entries.push((k, v));
            if !self.eat(&Tok::Comma) {
                break;
            }
        }
        self.no_brace = saved;
        self.expect(&Tok::RBrace)?;
        Ok(Expr::new(ExprKind::Hash(entries), Span { start: start.start, end: self.prev_end() }))
    }

    /// A hash key: an expression, or one of egrammar's `reserved_word`s used as a bare word.
    fn hash_key(&mut self) -> PResult<Expr> {
        let t = self.peek().clone();
        if let Tok::Kw(kw @ (Kw::Type | Kw::Attr | Kw::Private)) = t.tok {
            if self.peek_at(1).tok == Tok::FArrow {
                if kw != Kw::Type {
                    let word = &self.src[t.span.start as usize..t.span.end as usize];
                    return Err(ParseError {
                        internal: false,
                        message: format!(
                            "Use of reserved word: {word}, must be quoted if intended to be a String value"
                        ),
                        offset: Some(t.span.start as usize),
                    });
                }
                self.advance();
                return Ok(Expr::new(ExprKind::BareWord("type".into()), t.span));
            }
        }
        self.expr(3)
    }

    fn if_expr(&mut self, unless: bool) -> PResult<ExprKind> {
        let cond = self.condition()?;
        let then = self.block()?;
        let otherwise = if !unless && self.at(&Tok::Kw(Kw::Elsif)) {
            let t = self.bump();
            let kind = self.if_expr(false)?;
            Some(vec![Expr::new(kind, Span { start: t.span.start, end: self.prev_end() })])
        } else if self.eat(&Tok::Kw(Kw::Else)) {
            Some(self.block()?)
        } else {
            None
        };
        let cond = Box::new(cond);
        Ok(if unless {
            ExprKind::Unless { cond, then, otherwise }
        } else {
            ExprKind::If { cond, then, otherwise }
        })
    }

    fn condition(&mut self) -> PResult<Expr> {
        self.condition_bp(0)
    }

    /// An expression that a `{` ends (a condition, a return type).
    fn condition_bp(&mut self, min_bp: u8) -> PResult<Expr> {
        let saved = std::mem::replace(&mut self.no_brace, true);
        let e = self.expr(min_bp);
        self.no_brace = saved;
        e
    }

    fn case_expr(&mut self) -> PResult<ExprKind> {
        let subject = Box::new(self.condition()?);
        self.expect(&Tok::LBrace)?;
        let mut options = Vec::new();
        while !self.at(&Tok::RBrace) {
            let start = self.peek().span.start;
            let mut values = vec![self.condition()?];
            while self.eat(&Tok::Comma) {
                if self.at(&Tok::Colon) {
                    break;
                }
                values.push(self.condition()?);
            }
            self.expect(&Tok::Colon)?;
            let body = self.block()?;
            options.push(CaseOption { values, body, span: Span { start, end: self.prev_end() } });
        }
        self.expect(&Tok::RBrace)?;
        Ok(ExprKind::Case { subject, options })
    }

    fn resource_bodies(&mut self) -> PResult<Vec<ResourceBody>> {
        self.expect(&Tok::LBrace)?;
        let saved = std::mem::replace(&mut self.no_brace, false);
        let mut bodies = Vec::new();
        while !self.at(&Tok::RBrace) {
            let start = self.peek().span.start;
            let title = self.expr(3)?;
            self.expect(&Tok::Colon)?;
            let attrs = self.attributes(&[Tok::RBrace, Tok::Semi])?;
            bodies.push(ResourceBody { title, attrs, span: Span { start, end: self.prev_end() } });
            if !self.eat(&Tok::Semi) {
                break;
            }
        }
        self.no_brace = saved;
        self.expect(&Tok::RBrace)?;
        Ok(bodies)
    }

    fn attribute_block(&mut self) -> PResult<Vec<AttributeOp>> {
        self.expect(&Tok::LBrace)?;
        let saved = std::mem::replace(&mut self.no_brace, false);
        let attrs = self.attributes(&[Tok::RBrace])?;
        self.no_brace = saved;
        self.expect(&Tok::RBrace)?;
        Ok(attrs)
    }

    fn attributes(&mut self, ends: &[Tok]) -> PResult<Vec<AttributeOp>> {
        let mut attrs = Vec::new();
        while !ends.iter().any(|e| self.at(e)) {
            let t = self.bump();
            let name = match &t.tok {
                Tok::Name(n) => n.clone(),
                Tok::Star => "*".to_string(),
                Tok::Kw(_) => self.src[t.span.start as usize..t.span.end as usize].to_string(),
                _ => {
                    self.pos -= 1;
                    return Err(self.unexpected());
                }
            };
            let append = match self.bump().tok {
                Tok::FArrow => false,
                Tok::PArrow => true,
                _ => {
                    self.pos -= 1;
                    return Err(self.unexpected());
                }
            };
            let value = self.expr(3)?;
            let span = t.span.to(value.span);
            attrs.push(AttributeOp { name, append, value, span });
            if !self.eat(&Tok::Comma) {
                break;
            }
        }
        Ok(attrs)
    }

    fn param(&mut self) -> PResult<Param> {
        let start = self.peek().span.start;
        let mut type_expr = None;
        if matches!(self.peek().tok, Tok::Ref(_)) {
            type_expr = Some(self.expr(26)?);
        }
        let captures_rest = self.eat(&Tok::Star);
        let t = self.bump();
        let Tok::Var(name) = t.tok else {
            self.pos -= 1;
            return Err(self.unexpected());
        };
        let name_span = t.span;
        let default = if self.eat(&Tok::Assign) { Some(self.expr(3)?) } else { None };
        let span = Span { start, end: self.prev_end() };
        Ok(Param { name, type_expr, default, captures_rest, span, name_span })
    }

    fn params(&mut self) -> PResult<Vec<Param>> {
        let mut params = Vec::new();
        if self.eat(&Tok::LParen) {
            while !self.at(&Tok::RParen) {
                params.push(self.param()?);
                if !self.eat(&Tok::Comma) {
                    break;
                }
            }
            self.expect(&Tok::RParen)?;
        }
        Ok(params)
    }

    fn def_name(&mut self) -> PResult<String> {
        match self.bump().tok {
            // Kept as written: `class ::d` is refused by the validator, not renamed.
            Tok::Name(n) => Ok(n),
            _ => {
                self.pos -= 1;
                Err(self.unexpected())
            }
        }
    }

    fn class_def(&mut self) -> PResult<Expr> {
        let start = self.bump().span.start;
        let name = self.def_name()?;
        let params = self.params()?;
        let parent = if self.eat(&Tok::Kw(Kw::Inherits)) {
            match self.bump().tok {
                Tok::Name(n) => Some(n.trim_start_matches("::").to_string()),
                Tok::Kw(Kw::Default) => Some("default".into()),
                _ => {
                    self.pos -= 1;
                    return Err(self.unexpected());
                }
            }
        } else {
            None
        };
        let body = Arc::new(self.block()?);
        let span = Span { start, end: self.prev_end() };
        Ok(Expr::new(ExprKind::ClassDef(Arc::new(ClassDef { name, params, parent, body, span })), span))
    }

    fn define_def(&mut self) -> PResult<Expr> {
        let start = self.bump().span.start;
        if let Tok::Ref(n) = &self.peek().tok {
            return Err(ParseError {
                internal: false,
                message: format!(
                    "Unacceptable name. The name '{n}' is unacceptable as the name of a 'define' expression"
                ),
                offset: Some(start as usize),
            });
        }
        let name = self.def_name()?;
        let params = self.params()?;
        let body = Arc::new(self.block()?);
        let span = Span { start, end: self.prev_end() };
        Ok(Expr::new(ExprKind::DefineDef(Arc::new(DefineDef { name, params, body, span })), span))
    }

    fn function_def(&mut self) -> PResult<Expr> {
        let start = self.bump().span.start;
        let name = self.def_name()?;
        let params = self.params()?;
        // `>> Type {`: the brace opens the body, not a resource override of the type.
        let return_type = if self.eat(&Tok::Shr) {
            if self.at(&Tok::LBrace) {
                return Err(self.unexpected());
            }
            Some(self.condition_bp(26)?)
        } else {
            None
        };
        let body = Arc::new(self.block()?);
        let span = Span { start, end: self.prev_end() };
        let def = FunctionDef { name, params, return_type, body, span };
        Ok(Expr::new(ExprKind::FunctionDef(Arc::new(def)), span))
    }

    /// `type Name = Type`, and the forms Puppet 7 parses only to refuse: a type definition
    /// (`type Name [inherits Parent] { … }`) and a type mapping (`type Type[…] = …`).
    fn type_alias(&mut self) -> PResult<Expr> {
        let start = self.bump().span.start;
        let name_tok = self.bump();
        let Tok::Ref(name) = name_tok.tok else { unreachable_ref() };
        if self.at(&Tok::LBrace) || self.at(&Tok::Kw(Kw::Inherits)) {
            if self.eat(&Tok::Kw(Kw::Inherits)) && !matches!(self.bump().tok, Tok::Ref(_)) {
                self.pos -= 1;
                return Err(self.unexpected());
            }
            self.block()?;
            return Err(ParseError {
                internal: false,
                message: "Expressions of type a Type Definition are not supported in this version of Puppet"
                    .into(),
                offset: Some(start as usize),
            });
        }
        let mapping = if self.at(&Tok::LBrack) {
            self.advance();
            let keys = self.list_until(&Tok::RBrack)?;
            let target = Expr::new(ExprKind::TypeRef(name.clone()), name_tok.span);
            Some(Expr::new(
                ExprKind::Access(Box::new(target), keys),
                Span::new(name_tok.span.start as usize, self.prev_end() as usize),
            ))
        } else {
            None
        };
        self.expect(&Tok::Assign)?;
        // egrammar: a type (with arguments or a hash), a hash or an array.
        if !matches!(self.peek().tok, Tok::Ref(_) | Tok::LBrace | Tok::ListStart | Tok::LBrack) {
            return Err(self.unexpected());
        }
        let value = Box::new(self.expr(3)?);
        let span = Span { start, end: self.prev_end() };
        Ok(match mapping {
            Some(lhs) => Expr::new(ExprKind::TypeMapping { lhs: Box::new(lhs), rhs: value }, span),
            None => Expr::new(ExprKind::TypeAlias { name, value }, span),
        })
    }

    fn node_def(&mut self) -> PResult<Expr> {
        let start = self.bump().span.start;
        let mut matchers = Vec::new();
        let mut matcher_spans = Vec::new();
        loop {
            let t = self.bump();
            matcher_spans.push(t.span);
            let m = match t.tok {
                Tok::Str(s) => NodeMatcher::Name(s),
                Tok::Dq(parts) => match parts.as_slice() {
                    [DqPart::Text(s)] => NodeMatcher::Name(s.clone()),
                    _ => {
                        // The validator's ILLEGAL_HOSTNAME_INTERPOLATION, at the first
                        // interpolated expression.
                        let at = parts.iter().find_map(|p| match p {
                            DqPart::Expr(toks, span) => Some(
                                toks.first()
                                    .filter(|t| t.tok != Tok::Eof)
                                    .map_or(span.start, |t| t.span.start),
                            ),
                            DqPart::Var(_, span) => Some(span.start),
                            DqPart::Text(_) => None,
                        });
                        NodeMatcher::Interpolated(at.unwrap_or(t.span.start))
                    }
                },
                Tok::Regex(r) => NodeMatcher::Regex(r),
                Tok::Kw(Kw::Default) => NodeMatcher::Default,
                Tok::Name(_) | Tok::Int(_) | Tok::Float(_) => {
                    // A bare host name, possibly dotted: `node web01.example.com {`.
                    let mut end = t.span.end;
                    while self.at(&Tok::Dot)
                        || !self.peek().ws_before && matches!(self.peek().tok, Tok::Name(_) | Tok::Int(_))
                    {
                        end = self.bump().span.end;
                    }
                    NodeMatcher::Name(self.src[t.span.start as usize..end as usize].to_string())
                }
                _ => {
                    self.pos -= 1;
                    return Err(self.unexpected());
                }
            };
            matchers.push(m);
            if !self.eat(&Tok::Comma) {
                break;
            }
            if self.at(&Tok::LBrace) {
                break;
            }
        }
        // `inherits` takes a hostname in Puppet's grammar; the validator rejects it.
        let parent = if self.eat(&Tok::Kw(Kw::Inherits)) {
            let t = self.bump();
            if !matches!(
                t.tok,
                Tok::Name(_)
                    | Tok::Str(_)
                    | Tok::Dq(_)
                    | Tok::Int(_)
                    | Tok::Float(_)
                    | Tok::Regex(_)
                    | Tok::Kw(Kw::Default)
            ) {
                self.pos -= 1;
                return Err(self.unexpected());
            }
            Some(t.span)
        } else {
            None
        };
        let body = Arc::new(self.block()?);
        let span = Span { start, end: self.prev_end() };
        let def = NodeDef { matchers, matcher_spans, parent, body, span };
        Ok(Expr::new(ExprKind::NodeDef(Arc::new(def)), span))
    }
}

/// A variable reference, if its name is one (Puppet's validator checks every variable).
fn variable(name: String, span: Span) -> PResult<Expr> {
    if let Some(message) = variable_name_error(&name) {
        return Err(ParseError { internal: false, message, offset: Some(span.start as usize) });
    }
    Ok(Expr::new(ExprKind::Var(name), span))
}

fn unreachable_ref() -> ! {
    // `type_alias` is entered only when the token after `type` is a reference.
    unreachable!("type alias without a reference name")
}

fn is_type_access(e: &Expr) -> bool {
    matches!(&e.kind, ExprKind::Access(target, _) if matches!(target.kind, ExprKind::TypeRef(_)))
}

enum Infix {
    Bin(BinOp),
    Arrow(Arrow),
    Assign(Option<BinOp>),
}

/// (left binding power, right binding power, operator); higher binds tighter.
fn infix_op(t: &Tok) -> Option<(u8, u8, Infix)> {
    use BinOp::*;
    Some(match t {
        Tok::Assign => (2, 1, Infix::Assign(None)),
        Tok::PlusAssign => (2, 1, Infix::Assign(Some(Add))),
        Tok::MinusAssign => (2, 1, Infix::Assign(Some(Sub))),
        Tok::InEdge => (3, 4, Infix::Arrow(Arrow::Before)),
        Tok::InEdgeSub => (3, 4, Infix::Arrow(Arrow::Notify)),
        Tok::OutEdge => (3, 4, Infix::Arrow(Arrow::Require)),
        Tok::OutEdgeSub => (3, 4, Infix::Arrow(Arrow::Subscribe)),
        Tok::Kw(Kw::Or) => (5, 6, Infix::Bin(Or)),
        Tok::Kw(Kw::And) => (7, 8, Infix::Bin(And)),
        Tok::Lt => (9, 10, Infix::Bin(Lt)),
        Tok::Le => (9, 10, Infix::Bin(Le)),
        Tok::Gt => (9, 10, Infix::Bin(Gt)),
        Tok::Ge => (9, 10, Infix::Bin(Ge)),
        Tok::EqEq => (11, 12, Infix::Bin(Eq)),
        Tok::NotEq => (11, 12, Infix::Bin(Ne)),
        Tok::Shl => (13, 14, Infix::Bin(Shl)),
        Tok::Shr => (13, 14, Infix::Bin(Shr)),
        Tok::Plus => (15, 16, Infix::Bin(Add)),
        Tok::Minus => (15, 16, Infix::Bin(Sub)),
        Tok::Star => (17, 18, Infix::Bin(Mul)),
        Tok::Div => (17, 18, Infix::Bin(Div)),
        Tok::Mod => (17, 18, Infix::Bin(Mod)),
        Tok::Match => (19, 20, Infix::Bin(Match)),
        Tok::NoMatch => (19, 20, Infix::Bin(NoMatch)),
        Tok::Kw(Kw::In) => (21, 22, Infix::Bin(In)),
        _ => return None,
    })
}

fn starts_expression(t: &Tok) -> bool {
    matches!(
        t,
        Tok::Name(_)
            | Tok::Ref(_)
            | Tok::Var(_)
            | Tok::Str(_)
            | Tok::Dq(_)
            | Tok::Int(_)
            | Tok::Float(_)
            | Tok::Regex(_)
            | Tok::ListStart
            | Tok::LParen
            | Tok::Minus
            | Tok::Not
            | Tok::Star
            | Tok::Kw(Kw::True | Kw::False | Kw::Undef | Kw::Default | Kw::Class)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(src: &str) -> Vec<Expr> {
        parse(src).unwrap_or_else(|e| panic!("{src}: {e:?}"))
    }

    #[test]
    fn parses_the_seed_manifest() {
        let stmts = ok("node 'a', 'b' { include nginx::nginx_web }\nnode /^web\\d+/ {}\nnode default {}");
        assert_eq!(stmts.len(), 3);
        let ExprKind::NodeDef(n) = &stmts[1].kind else { panic!() };
        assert_eq!(n.matchers, vec![NodeMatcher::Regex("^web\\d+".into())]);
    }

    #[test]
    fn precedence_follows_puppet() {
        let stmts = ok("$x = 1 + 2 * 3 == 7 and !$y");
        let ExprKind::Assign(_, rhs) = &stmts[0].kind else { panic!() };
        let ExprKind::Binary(BinOp::And, l, _) = &rhs.kind else { panic!("{rhs:?}") };
        assert!(matches!(l.kind, ExprKind::Binary(BinOp::Eq, _, _)));
    }

    #[test]
    fn a_selector_binds_below_comparisons_and_above_and() {
        let stmts = ok("$x = 1 < 2 ? { true => a }\n$y = true and 1 ? { 1 => b }");
        let ExprKind::Assign(_, rhs) = &stmts[0].kind else { panic!() };
        let ExprKind::Selector { subject, .. } = &rhs.kind else { panic!("{rhs:?}") };
        assert!(matches!(subject.kind, ExprKind::Binary(BinOp::Lt, _, _)));
        let ExprKind::Assign(_, rhs) = &stmts[1].kind else { panic!() };
        assert!(matches!(rhs.kind, ExprKind::Binary(BinOp::And, _, _)), "{rhs:?}");
    }

    #[test]
    fn statement_calls_take_several_arguments() {
        let stmts = ok("include a, b::c\nnotice('x')");
        let ExprKind::Call { name, args, .. } = &stmts[0].kind else { panic!() };
        assert_eq!((name.as_str(), args.len()), ("include", 2));
        assert_eq!(stmts.len(), 2);
    }

    #[test]
    fn resources_defaults_overrides_and_chains() {
        let stmts = ok("File { mode => '0644' }\nfile { ['/a','/b']: ensure => file; '/c': }\nPackage['a'] -> Service['b']\nFile['/a'] { owner => root }");
        assert!(matches!(stmts[0].kind, ExprKind::ResourceDefaults { .. }));
        let ExprKind::Resource { bodies, .. } = &stmts[1].kind else { panic!() };
        assert_eq!(bodies.len(), 2);
        assert!(matches!(stmts[2].kind, ExprKind::Relationship(Arrow::Before, _, _)));
        assert!(matches!(stmts[3].kind, ExprKind::ResourceOverride { .. }));
    }

    #[test]
    fn conditions_do_not_swallow_blocks() {
        let stmts = ok("if $x == foo { notice(1) } elsif $y { } else { }\ncase $z { 'a', /b/: { notice(2) } default: {} }\n$v = $z ? { 'a' => 1, default => 2 }");
        assert_eq!(stmts.len(), 3);
    }

    #[test]
    fn syntax_errors_name_the_token() {
        let e = parse("file { '/a':\n  mode => '0644'\n  owner => 'root',\n}\n").unwrap_err();
        assert_eq!(e.message, "Syntax error at 'owner'");
        assert_eq!(e.offset, Some(32));
        let e = parse("class a {\n  notice('x')\n").unwrap_err();
        assert_eq!((e.message.as_str(), e.offset), ("Syntax error at end of input", None));
    }
}
