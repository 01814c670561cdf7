//! A recursive-descent parser for the Ruby subset of ERB templates. Anything else (classes,
//! `ensure`, `yield`, lambdas, …) is an error naming the construct and its line.

use std::collections::HashSet;
use std::rc::Rc;

use super::lexer::{lex, StrPart, Tok, Token};
use super::ErbError;

#[derive(Debug, Clone)]
pub enum StrNode {
    Text(String),
    Code(Box<Node>),
}

/// A block's parameters and body.
#[derive(Debug)]
pub struct Block {
    pub params: Vec<String>,
    pub body: Vec<Node>,
}

#[derive(Debug, Clone)]
pub enum Node {
    Nil,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Vec<StrNode>),
    Sym(String),
    Regex(String, bool),
    Array(Vec<Node>),
    Hash(Vec<(Node, Node)>),
    Range(Box<Node>, Box<Node>, bool),
    IVar(String),
    /// A local variable or a method call on the template without arguments.
    Ident(String),
    Const(String),
    Call {
        recv: Option<Box<Node>>,
        name: String,
        args: Vec<Node>,
        block: Option<Rc<Block>>,
        line: usize,
    },
    Index(Box<Node>, Vec<Node>),
    Assign(Box<Node>, Box<Node>),
    OpAssign(Box<Node>, &'static str, Box<Node>),
    And(Box<Node>, Box<Node>),
    Or(Box<Node>, Box<Node>),
    Not(Box<Node>),
    Binary(&'static str, Box<Node>, Box<Node>, usize),
    If(Box<Node>, Vec<Node>, Vec<Node>),
    While(Box<Node>, Vec<Node>),
    Case(Option<Box<Node>>, Vec<(Vec<Node>, Vec<Node>)>, Vec<Node>),
    For(Vec<String>, Box<Node>, Vec<Node>),
    Text(usize),
    Out(Box<Node>),
    Next(Option<Box<Node>>),
    Break(Option<Box<Node>>),
    Seq(Vec<Node>),
    /// `defined?(expr)`.
    Defined(Box<Node>),
    /// `def name(params) body end`: a method of the template.
    Def(String, Rc<Block>),
    /// `return [value]` from a `def`.
    Return(Option<Box<Node>>),
    /// A body with `rescue` clauses (`begin … rescue … end`, or a `def` body).
    Rescue(Vec<Node>, Vec<RescueClause>),
}

/// `rescue [Class, …] [=> name]` and its body; no classes means StandardError.
#[derive(Debug, Clone)]
pub struct RescueClause {
    pub classes: Vec<String>,
    pub var: Option<String>,
    pub body: Vec<Node>,
}

pub struct Parser {
    toks: Vec<Token>,
    pos: usize,
    locals: HashSet<String>,
}

const KEYWORDS: &[&str] = &[
    "if", "unless", "else", "elsif", "end", "while", "until", "case", "when", "then", "do", "for", "in",
    "and", "or", "not", "nil", "true", "false", "self", "return", "next", "break", "begin", "rescue",
    "ensure", "def", "yield", "class", "module", "lambda", "proc",
];

/// Parses the Ruby program an ERB template became.
/// Parses `src`; also returns every name the program assigns as a local variable.
pub fn parse(src: &str) -> Result<(Vec<Node>, HashSet<String>), ErbError> {
    let toks = lex(src, 1)?;
    let mut p = Parser { toks, pos: 0, locals: HashSet::new() };
    let body = p.statements(&[])?;
    if !matches!(p.peek(), Tok::Eof) {
        return Err(p.error(format!("unexpected {}", describe(p.peek()))));
    }
    Ok((body, p.locals))
}

fn describe(t: &Tok) -> String {
    match t {
        Tok::Ident(s) | Tok::Const(s) => format!("'{s}'"),
        Tok::Op(o) => format!("'{o}'"),
        Tok::Newline => "end of line".into(),
        Tok::Eof => "end of template".into(),
        other => format!("{other:?}"),
    }
}

impl Parser {
    fn peek(&self) -> &Tok {
        &self.toks[self.pos.min(self.toks.len() - 1)].tok
    }
    fn peek_at(&self, n: usize) -> &Tok {
        &self.toks[(self.pos + n).min(self.toks.len() - 1)].tok
    }
    fn line(&self) -> usize {
        self.toks[self.pos.min(self.toks.len() - 1)].line
    }
    fn space_before(&self) -> bool {
        self.toks[self.pos.min(self.toks.len() - 1)].space_before
    }
    fn next(&mut self) -> Tok {
        let t = self.peek().clone();
        if self.pos < self.toks.len() - 1 {
            self.pos += 1;
        }
        t
    }
    fn error(&self, m: String) -> ErbError {
        ErbError { message: m, line: self.line() }
    }
    fn is_op(&self, o: &str) -> bool {
        matches!(self.peek(), Tok::Op(x) if *x == o)
    }
    fn is_kw(&self, k: &str) -> bool {
        matches!(self.peek(), Tok::Ident(x) if x == k)
    }
    fn eat_op(&mut self, o: &str) -> bool {
        if self.is_op(o) {
            self.next();
            true
        } else {
            false
        }
    }
    fn eat_kw(&mut self, k: &str) -> bool {
        if self.is_kw(k) {
            self.next();
            true
        } else {
            false
        }
    }
    fn expect_op(&mut self, o: &str) -> Result<(), ErbError> {
        if self.eat_op(o) {
            Ok(())
        } else {
            Err(self.error(format!("expected '{o}', found {}", describe(self.peek()))))
        }
    }
    fn expect_kw(&mut self, k: &str) -> Result<(), ErbError> {
        if self.eat_kw(k) {
            Ok(())
        } else {
            Err(self.error(format!("expected '{k}', found {}", describe(self.peek()))))
        }
    }
    fn skip_newlines(&mut self) {
        while matches!(self.peek(), Tok::Newline) || self.is_op(";") {
            self.next();
        }
    }
    fn skip_nl_only(&mut self) {
        while matches!(self.peek(), Tok::Newline) {
            self.next();
        }
    }

    /// Statements until one of the terminator keywords (or `}`), which is not consumed.
    fn statements(&mut self, terminators: &[&str]) -> Result<Vec<Node>, ErbError> {
        let mut out = Vec::new();
        loop {
            self.skip_newlines();
            match self.peek() {
                Tok::Eof => return Ok(out),
                Tok::Op("}") if terminators.contains(&"}") => return Ok(out),
                Tok::Ident(k) if terminators.contains(&k.as_str()) => return Ok(out),
                _ => {}
            }
            out.push(self.statement()?);
        }
    }

    fn statement(&mut self) -> Result<Node, ErbError> {
        let mut node = self.expr_stmt()?;
        loop {
            if self.eat_kw("if") {
                let c = self.expr_stmt()?;
                node = Node::If(Box::new(c), vec![node], vec![]);
            } else if self.eat_kw("unless") {
                let c = self.expr_stmt()?;
                node = Node::If(Box::new(Node::Not(Box::new(c))), vec![node], vec![]);
            } else if self.eat_kw("while") {
                let c = self.expr_stmt()?;
                node = Node::While(Box::new(c), vec![node]);
            } else {
                return Ok(node);
            }
        }
    }

    /// `not`, `and`, `or` (lowest precedence).
    fn expr_stmt(&mut self) -> Result<Node, ErbError> {
        let mut left = self.not_expr()?;
        loop {
            if self.eat_kw("and") {
                self.skip_nl_only();
                let r = self.not_expr()?;
                left = Node::And(Box::new(left), Box::new(r));
            } else if self.eat_kw("or") {
                self.skip_nl_only();
                let r = self.not_expr()?;
                left = Node::Or(Box::new(left), Box::new(r));
            } else {
                return Ok(left);
            }
        }
    }

    fn not_expr(&mut self) -> Result<Node, ErbError> {
        if self.eat_kw("not") {
            return Ok(Node::Not(Box::new(self.not_expr()?)));
        }
        self.expr()
    }

    /// Assignment and everything above it.
    pub fn expr(&mut self) -> Result<Node, ErbError> {
        let start = self.pos;
        // `a, b = x` is outside the subset; `a = b = c` is fine.
        let left = self.ternary()?;
        for (op, bin) in
            [("=", ""), ("+=", "+"), ("-=", "-"), ("*=", "*"), ("||=", "||"), ("&&=", "&&"), ("<<=", "<<")]
        {
            if self.is_op(op) {
                if !matches!(
                    left,
                    Node::Ident(_) | Node::IVar(_) | Node::Index(..) | Node::Call { args: _, .. }
                ) {
                    self.pos = start;
                    return Err(self.error("invalid assignment target".into()));
                }
                self.next();
                self.skip_nl_only();
                if let Node::Ident(n) = &left {
                    self.locals.insert(n.clone());
                }
                let value = self.expr()?;
                return Ok(if op == "=" {
                    Node::Assign(Box::new(left), Box::new(value))
                } else {
                    Node::OpAssign(Box::new(left), bin, Box::new(value))
                });
            }
        }
        Ok(left)
    }

    fn ternary(&mut self) -> Result<Node, ErbError> {
        let cond = self.range()?;
        if self.is_op("?") {
            self.next();
            self.skip_nl_only();
            let a = self.ternary()?;
            self.skip_nl_only();
            // `x ? a :b` lexes `:b` as a symbol.
            if let Tok::Sym(s) = self.peek().clone() {
                self.next();
                return Ok(Node::If(Box::new(cond), vec![a], vec![Node::Ident(s)]));
            }
            if let Tok::Label(_) = self.peek() {
                return Err(self.error("ternary with a label is outside the supported Ruby subset".into()));
            }
            self.expect_op(":")?;
            self.skip_nl_only();
            let b = self.ternary()?;
            return Ok(Node::If(Box::new(cond), vec![a], vec![b]));
        }
        Ok(cond)
    }

    fn range(&mut self) -> Result<Node, ErbError> {
        let left = self.binary(0)?;
        for (op, excl) in [("..", false), ("...", true)] {
            if self.is_op(op) {
                self.next();
                let right = self.binary(0)?;
                return Ok(Node::Range(Box::new(left), Box::new(right), excl));
            }
        }
        Ok(left)
    }

    fn binary(&mut self, min: u8) -> Result<Node, ErbError> {
        const LEVELS: &[&[&str]] = &[
            &["||"],
            &["&&"],
            &["==", "!=", "=~", "!~", "===", "<=>"],
            &["<", "<=", ">", ">="],
            &["|", "^"],
            &["&"],
            &["<<", ">>"],
            &["+", "-"],
            &["*", "/", "%"],
        ];
        if min as usize >= LEVELS.len() {
            return self.unary();
        }
        let mut left = self.binary(min + 1)?;
        loop {
            let Tok::Op(op) = self.peek().clone() else { return Ok(left) };
            if !LEVELS[min as usize].contains(&op) {
                return Ok(left);
            }
            let line = self.line();
            self.next();
            self.skip_nl_only();
            let right = self.binary(min + 1)?;
            left = match op {
                "||" => Node::Or(Box::new(left), Box::new(right)),
                "&&" => Node::And(Box::new(left), Box::new(right)),
                "!=" => Node::Not(Box::new(Node::Binary("==", Box::new(left), Box::new(right), line))),
                "!~" => Node::Not(Box::new(Node::Binary("=~", Box::new(left), Box::new(right), line))),
                _ => Node::Binary(op, Box::new(left), Box::new(right), line),
            };
        }
    }

    fn unary(&mut self) -> Result<Node, ErbError> {
        if self.eat_op("!") {
            return Ok(Node::Not(Box::new(self.unary()?)));
        }
        if self.is_op("-") {
            let line = self.line();
            self.next();
            let v = self.unary()?;
            return Ok(match v {
                Node::Int(i) => Node::Int(-i),
                Node::Float(f) => Node::Float(-f),
                other => Node::Binary("-", Box::new(Node::Int(0)), Box::new(other), line),
            });
        }
        let base = self.postfix()?;
        if self.is_op("**") {
            let line = self.line();
            self.next();
            let e = self.unary()?;
            return Ok(Node::Binary("**", Box::new(base), Box::new(e), line));
        }
        Ok(base)
    }

    /// Whether the next token can start a command-call argument (`foo.include? 'x'`).
    fn starts_command_arg(&self) -> bool {
        if !self.space_before() {
            return false;
        }
        match self.peek() {
            Tok::Str(_)
            | Tok::Int(_)
            | Tok::Float(_)
            | Tok::IVar(_)
            | Tok::Sym(_)
            | Tok::Const(_)
            | Tok::Regex(..) => true,
            Tok::Ident(w) => {
                !KEYWORDS.contains(&w.as_str()) || matches!(w.as_str(), "nil" | "true" | "false" | "not")
            }
            Tok::Op("[") => true,
            Tok::Op("!") => true,
            _ => false,
        }
    }

    fn call_args(&mut self) -> Result<Vec<Node>, ErbError> {
        let mut args = Vec::new();
        let mut labels = Vec::new();
        self.skip_nl_only();
        while !self.is_op(")") {
            if let Tok::Label(l) = self.peek().clone() {
                self.next();
                self.skip_nl_only();
                let v = self.expr()?;
                labels.push((Node::Sym(l), v));
            } else if self.eat_op("*") || self.eat_op("&") {
                return Err(
                    self.error("splat and block-pass arguments are outside the supported Ruby subset".into())
                );
            } else {
                let v = self.expr()?;
                if self.eat_op("=>") {
                    self.skip_nl_only();
                    let x = self.expr()?;
                    labels.push((v, x));
                } else {
                    args.push(v);
                }
            }
            self.skip_nl_only();
            if !self.eat_op(",") {
                break;
            }
            self.skip_nl_only();
        }
        self.expect_op(")")?;
        if !labels.is_empty() {
            args.push(Node::Hash(labels));
        }
        Ok(args)
    }

    fn command_args(&mut self) -> Result<Vec<Node>, ErbError> {
        let mut args = vec![self.ternary()?];
        while self.eat_op(",") {
            self.skip_nl_only();
            args.push(self.ternary()?);
        }
        Ok(args)
    }

    fn block(&mut self) -> Result<Option<Rc<Block>>, ErbError> {
        let closing = if self.is_op("{") {
            "}"
        } else if self.is_kw("do") {
            "end"
        } else {
            return Ok(None);
        };
        self.next();
        self.skip_nl_only();
        let mut params = Vec::new();
        if self.eat_op("|") {
            loop {
                if self.eat_op("(") {
                    // |(k, v), i|: destructured pairs.
                    while let Tok::Ident(n) = self.peek().clone() {
                        self.next();
                        params.push(n);
                        if !self.eat_op(",") {
                            break;
                        }
                    }
                    self.expect_op(")")?;
                } else if let Tok::Ident(n) = self.peek().clone() {
                    self.next();
                    params.push(n);
                } else {
                    break;
                }
                if !self.eat_op(",") {
                    break;
                }
            }
            self.expect_op("|")?;
        }
        for p in &params {
            self.locals.insert(p.clone());
        }
        let body = self.statements(&[closing])?;
        if closing == "}" {
            self.expect_op("}")?;
        } else {
            self.expect_kw("end")?;
        }
        Ok(Some(Rc::new(Block { params, body })))
    }

    fn postfix(&mut self) -> Result<Node, ErbError> {
        let mut node = self.primary()?;
        loop {
            if self.is_op(".") || self.is_op("&") && matches!(self.peek_at(1), Tok::Op(".")) {
                if self.is_op("&") {
                    self.next();
                }
                self.next();
                self.skip_nl_only();
                let line = self.line();
                let name = match self.next() {
                    Tok::Ident(n) | Tok::Const(n) => n,
                    Tok::Label(n) => {
                        self.pos -= 1;
                        return Err(self.error(format!("unexpected label {n}:")));
                    }
                    other => {
                        return Err(self.error(format!("expected a method name, found {}", describe(&other))))
                    }
                };
                let mut args = Vec::new();
                if self.is_op("(") && !self.space_before() {
                    self.next();
                    args = self.call_args()?;
                } else if self.starts_command_arg() {
                    args = self.command_args()?;
                }
                let block = self.block()?;
                node = Node::Call { recv: Some(Box::new(node)), name, args, block, line };
            } else if self.is_op("::") {
                self.next();
                let Tok::Const(c) = self.next() else {
                    return Err(self.error("'::' is only supported before a constant".into()));
                };
                node = Node::Const(format!("{}::{c}", const_name(&node)));
            } else if self.is_op("[") && !self.space_before() {
                self.next();
                self.skip_nl_only();
                let mut idx = Vec::new();
                while !self.is_op("]") {
                    idx.push(self.expr()?);
                    self.skip_nl_only();
                    if !self.eat_op(",") {
                        break;
                    }
                    self.skip_nl_only();
                }
                self.expect_op("]")?;
                node = Node::Index(Box::new(node), idx);
            } else {
                return Ok(node);
            }
        }
    }

    fn primary(&mut self) -> Result<Node, ErbError> {
        let line = self.line();
        let tok = self.next();
        Ok(match tok {
            Tok::Int(i) => Node::Int(i),
            Tok::Float(f) => Node::Float(f),
            Tok::Sym(s) => Node::Sym(s),
            Tok::Regex(r, ci) => Node::Regex(r, ci),
            Tok::IVar(n) => Node::IVar(n),
            Tok::Text(n) => Node::Text(n),
            Tok::OutStart => {
                let e = self.statements_until_out()?;
                Node::Out(Box::new(e))
            }
            Tok::Str(parts) => {
                let mut nodes = Vec::new();
                for p in parts {
                    match p {
                        StrPart::Text(t) => nodes.push(StrNode::Text(t)),
                        StrPart::Code(c, l) => {
                            let toks = lex(&c, l)?;
                            let mut sub = Parser { toks, pos: 0, locals: self.locals.clone() };
                            let body = sub.statements(&[])?;
                            nodes.push(StrNode::Code(Box::new(Node::Seq(body))));
                        }
                    }
                }
                // Adjacent literals concatenate: 'a' 'b'.
                Node::Str(nodes)
            }
            Tok::Const(c) => {
                if self.is_op("(") && !self.space_before() {
                    self.next();
                    let args = self.call_args()?;
                    Node::Call { recv: None, name: c, args, block: None, line }
                } else {
                    Node::Const(c)
                }
            }
            Tok::Op("(") => {
                self.skip_newlines();
                let mut body = Vec::new();
                while !self.is_op(")") {
                    body.push(self.statement()?);
                    self.skip_newlines();
                }
                self.expect_op(")")?;
                if body.len() == 1 {
                    body.pop().unwrap_or(Node::Nil)
                } else {
                    Node::Seq(body)
                }
            }
            Tok::Op("[") => {
                let mut items = Vec::new();
                self.skip_nl_only();
                while !self.is_op("]") {
                    items.push(self.expr()?);
                    self.skip_nl_only();
                    if !self.eat_op(",") {
                        break;
                    }
                    self.skip_nl_only();
                }
                self.expect_op("]")?;
                Node::Array(items)
            }
            Tok::Op("{") => {
                let mut pairs = Vec::new();
                self.skip_nl_only();
                while !self.is_op("}") {
                    if let Tok::Label(l) = self.peek().clone() {
                        self.next();
                        self.skip_nl_only();
                        pairs.push((Node::Sym(l), self.expr()?));
                    } else {
                        let k = self.expr()?;
                        self.skip_nl_only();
                        self.expect_op("=>")?;
                        self.skip_nl_only();
                        pairs.push((k, self.expr()?));
                    }
                    self.skip_nl_only();
                    if !self.eat_op(",") {
                        break;
                    }
                    self.skip_nl_only();
                }
                self.expect_op("}")?;
                Node::Hash(pairs)
            }
            Tok::Ident(w) => return self.word(w, line),
            other => return Err(ErbError { message: format!("unexpected {}", describe(&other)), line }),
        })
    }

    /// The expression between `<%=` and `%>`.
    /// Statements up to `end`, with any `rescue [Class, …] [=> name]` clauses (the `end` is left
    /// to the caller).
    fn rescue_body(&mut self) -> Result<Node, ErbError> {
        let body = self.statements(&["end", "rescue"])?;
        let mut clauses = Vec::new();
        while self.eat_kw("rescue") {
            let mut classes = Vec::new();
            while let Tok::Const(c) = self.peek().clone() {
                self.next();
                let mut name = c;
                while self.is_op("::") {
                    self.next();
                    let Tok::Const(c) = self.next() else {
                        return Err(self.error("'::' is only supported before a constant".into()));
                    };
                    name = format!("{name}::{c}");
                }
                classes.push(name);
                if !self.eat_op(",") {
                    break;
                }
            }
            let var = if self.eat_op("=>") {
                let Tok::Ident(v) = self.next() else {
                    return Err(self.error("variable name expected after 'rescue … =>'".into()));
                };
                self.locals.insert(v.clone());
                Some(v)
            } else {
                None
            };
            let body = self.statements(&["end", "rescue"])?;
            clauses.push(RescueClause { classes, var, body });
        }
        Ok(if clauses.is_empty() { Node::Seq(body) } else { Node::Rescue(body, clauses) })
    }

    fn statements_until_out(&mut self) -> Result<Node, ErbError> {
        self.skip_newlines();
        let mut body = Vec::new();
        while !matches!(self.peek(), Tok::OutEnd | Tok::Eof) {
            body.push(self.statement()?);
            self.skip_newlines();
        }
        if !matches!(self.next(), Tok::OutEnd) {
            return Err(self.error("unterminated <%= tag".into()));
        }
        Ok(if body.len() == 1 { body.pop().unwrap_or(Node::Nil) } else { Node::Seq(body) })
    }

    fn word(&mut self, w: String, line: usize) -> Result<Node, ErbError> {
        Ok(match w.as_str() {
            "nil" => Node::Nil,
            "true" => Node::Bool(true),
            "false" => Node::Bool(false),
            "self" => Node::Ident("self".into()),
            "if" | "unless" => {
                let c = self.expr_stmt()?;
                let c = if w == "unless" { Node::Not(Box::new(c)) } else { c };
                self.eat_kw("then");
                let then = self.statements(&["elsif", "else", "end"])?;
                let els = self.if_tail()?;
                Node::If(Box::new(c), then, els)
            }
            "while" | "until" => {
                let c = self.expr_stmt()?;
                let c = if w == "until" { Node::Not(Box::new(c)) } else { c };
                self.eat_kw("do");
                let body = self.statements(&["end"])?;
                self.expect_kw("end")?;
                Node::While(Box::new(c), body)
            }
            "case" => {
                let subject = if matches!(self.peek(), Tok::Newline) {
                    None
                } else {
                    Some(Box::new(self.expr_stmt()?))
                };
                self.skip_newlines();
                let mut whens = Vec::new();
                while self.eat_kw("when") {
                    let mut vals = vec![self.ternary()?];
                    while self.eat_op(",") {
                        self.skip_nl_only();
                        vals.push(self.ternary()?);
                    }
                    self.eat_kw("then");
                    let body = self.statements(&["when", "else", "end"])?;
                    whens.push((vals, body));
                }
                let els = if self.eat_kw("else") { self.statements(&["end"])? } else { Vec::new() };
                self.expect_kw("end")?;
                Node::Case(subject, whens, els)
            }
            "for" => {
                let mut vars = Vec::new();
                while let Tok::Ident(n) = self.peek().clone() {
                    if n == "in" {
                        break;
                    }
                    self.next();
                    self.locals.insert(n.clone());
                    vars.push(n);
                    if !self.eat_op(",") {
                        break;
                    }
                }
                self.expect_kw("in")?;
                let iter = self.expr_stmt()?;
                self.eat_kw("do");
                let body = self.statements(&["end"])?;
                self.expect_kw("end")?;
                Node::For(vars, Box::new(iter), body)
            }
            "next" | "break" => {
                let v = if matches!(self.peek(), Tok::Newline | Tok::Eof)
                    || self.is_kw("if")
                    || self.is_kw("unless")
                    || self.is_op("}")
                {
                    None
                } else {
                    Some(Box::new(self.expr()?))
                };
                if w == "next" {
                    Node::Next(v)
                } else {
                    Node::Break(v)
                }
            }
            "def" => {
                let Tok::Ident(name) = self.peek().clone() else {
                    return Err(self.error("method name expected after 'def'".into()));
                };
                self.next();
                let mut params = Vec::new();
                let paren = self.eat_op("(");
                while let Tok::Ident(p) = self.peek().clone() {
                    self.next();
                    params.push(p);
                    if !self.eat_op(",") {
                        break;
                    }
                }
                if paren {
                    self.expect_op(")")?;
                }
                // A method sees only its parameters and its own assignments.
                let outer = std::mem::replace(&mut self.locals, params.iter().cloned().collect());
                let body = self.rescue_body();
                self.locals = outer;
                let body = vec![body?];
                self.expect_kw("end")?;
                Node::Def(name, Rc::new(Block { params, body }))
            }
            "begin" => {
                let body = self.rescue_body()?;
                self.expect_kw("end")?;
                body
            }
            "return" => {
                if matches!(self.peek(), Tok::Newline | Tok::Eof | Tok::OutEnd)
                    || self.is_kw("if")
                    || self.is_kw("unless")
                    || self.is_kw("end")
                {
                    Node::Return(None)
                } else {
                    Node::Return(Some(Box::new(self.expr()?)))
                }
            }
            "rescue" | "ensure" | "class" | "module" | "yield" | "lambda" | "proc" | "then" | "else"
            | "elsif" | "end" | "when" | "do" | "in" => {
                return Err(ErbError { message: format!("'{w}' is outside the supported Ruby subset"), line })
            }
            "defined?" => {
                let paren = self.eat_op("(");
                let e = self.expr()?;
                if paren {
                    self.expect_op(")")?;
                }
                Node::Defined(Box::new(e))
            }
            _ => {
                if self.locals.contains(&w) && (self.space_before() || !self.is_op("(")) {
                    return Ok(Node::Ident(w));
                }
                let mut args = Vec::new();
                let mut called = false;
                if self.is_op("(") && !self.space_before() {
                    self.next();
                    args = self.call_args()?;
                    called = true;
                } else if self.starts_command_arg() {
                    args = self.command_args()?;
                    called = true;
                }
                let block = self.block()?;
                if !called && block.is_none() {
                    Node::Ident(w)
                } else {
                    Node::Call { recv: None, name: w, args, block, line }
                }
            }
        })
    }

    fn if_tail(&mut self) -> Result<Vec<Node>, ErbError> {
        if self.eat_kw("elsif") {
            let c = self.expr_stmt()?;
            self.eat_kw("then");
            let then = self.statements(&["elsif", "else", "end"])?;
            let els = self.if_tail()?;
            return Ok(vec![Node::If(Box::new(c), then, els)]);
        }
        let els = if self.eat_kw("else") { self.statements(&["end"])? } else { Vec::new() };
        self.expect_kw("end")?;
        Ok(els)
    }
}

fn const_name(n: &Node) -> String {
    match n {
        Node::Const(c) => c.clone(),
        _ => String::new(),
    }
}
