//! The abstract syntax tree. Every node carries the [`Span`] of its source text; a file's nodes are
//! interpreted together with that file's [`crate::source::SourceFile`] for line/column.
//!
//! Definitions (class, define, node, function, type alias) are expressions in Puppet's grammar
//! but are hoisted by the loader; they appear here as [`ExprKind`] variants so that a file is one list.

use std::sync::Arc;

use crate::span::Span;

/// An expression with its location.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

/// A binary operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Shl,
    Shr,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Match,
    NoMatch,
    In,
    And,
    Or,
}

/// A relationship arrow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arrow {
    /// `->`
    Before,
    /// `~>`
    Notify,
    /// `<-`
    Require,
    /// `<~`
    Subscribe,
}

/// One piece of an interpolated string.
#[derive(Debug, Clone, PartialEq)]
pub enum StrPart {
    Text(String),
    Expr(Expr),
}

/// `virtual` (`@`) or `exported` (`@@`) resource form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ResourceForm {
    #[default]
    Regular,
    Virtual,
    Exported,
}

/// `attr => value`, `attr +> value` or `* => hash`.
#[derive(Debug, Clone, PartialEq)]
pub struct AttributeOp {
    /// The attribute name; `*` for a splat.
    pub name: String,
    pub append: bool,
    pub value: Expr,
    pub span: Span,
}

/// `title: attrs` inside a resource expression.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceBody {
    pub title: Expr,
    pub attrs: Vec<AttributeOp>,
    pub span: Span,
}

/// A parameter of a class, define, function or lambda.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub name: String,
    pub type_expr: Option<Expr>,
    pub default: Option<Expr>,
    pub captures_rest: bool,
    pub span: Span,
    /// The `$name` token alone (Puppet points there in parameter errors).
    pub name_span: Span,
}

/// `|params| { body }`
#[derive(Debug, Clone, PartialEq)]
pub struct Lambda {
    pub params: Vec<Param>,
    pub body: Vec<Expr>,
    pub span: Span,
}

/// One option list and its block in a `case`.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseOption {
    pub values: Vec<Expr>,
    pub body: Vec<Expr>,
    pub span: Span,
}

/// `class name(params) inherits parent { body }`.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassDef {
    pub name: String,
    pub params: Vec<Param>,
    pub parent: Option<String>,
    pub body: Arc<Vec<Expr>>,
    pub span: Span,
}

/// `define name(params) { body }`.
#[derive(Debug, Clone, PartialEq)]
pub struct DefineDef {
    pub name: String,
    pub params: Vec<Param>,
    pub body: Arc<Vec<Expr>>,
    pub span: Span,
}

/// A node definition's name matchers.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeMatcher {
    Name(String),
    /// A double-quoted name with interpolation, which the validator refuses (at this offset:
    /// the first interpolated expression).
    Interpolated(u32),
    Regex(String),
    Default,
}

/// `node 'a', /b/ { body }`.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeDef {
    pub matchers: Vec<NodeMatcher>,
    /// Where each matcher is written.
    pub matcher_spans: Vec<Span>,
    /// `inherits parent` (an error in Puppet 4 and later, kept for the validator to report).
    pub parent: Option<Span>,
    pub body: Arc<Vec<Expr>>,
    pub span: Span,
}

/// `function name(params) >> Type { body }`.
#[derive(Debug, Clone, PartialEq)]
pub struct FunctionDef {
    pub name: String,
    pub params: Vec<Param>,
    pub return_type: Option<Expr>,
    pub body: Arc<Vec<Expr>>,
    pub span: Span,
}

/// What an expression is.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    Undef,
    Default,
    Bool(bool),
    Int(i64),
    Float(f64),
    /// A string with no interpolation (single-quoted, or double-quoted without `$`).
    Str(String),
    /// A double-quoted string with interpolation.
    Interpolated(Vec<StrPart>),
    /// A bare word used as a value (`ensure => present`).
    BareWord(String),
    /// A capitalised name: a type or a resource type (`File`, `Integer`).
    TypeRef(String),
    Regex(String),
    Var(String),
    Array(Vec<Expr>),
    Hash(Vec<(Expr, Expr)>),
    /// `target[keys]`
    Access(Box<Expr>, Vec<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Neg(Box<Expr>),
    Splat(Box<Expr>),
    Assign(Box<Expr>, Box<Expr>),
    Relationship(Arrow, Box<Expr>, Box<Expr>),
    /// `name(args) |lambda|` or a statement call `include a, b`.
    Call {
        name: String,
        args: Vec<Expr>,
        lambda: Option<Box<Lambda>>,
    },
    /// `receiver.name(args) |lambda|`.
    MethodCall {
        receiver: Box<Expr>,
        name: String,
        args: Vec<Expr>,
        lambda: Option<Box<Lambda>>,
    },
    If {
        cond: Box<Expr>,
        then: Vec<Expr>,
        otherwise: Option<Vec<Expr>>,
    },
    Unless {
        cond: Box<Expr>,
        then: Vec<Expr>,
        otherwise: Option<Vec<Expr>>,
    },
    Case {
        subject: Box<Expr>,
        options: Vec<CaseOption>,
    },
    Selector {
        subject: Box<Expr>,
        options: Vec<(Expr, Expr)>,
    },
    /// `type { bodies }`; `type_name` is `class` for resource-like class declarations.
    Resource {
        form: ResourceForm,
        type_name: Box<Expr>,
        bodies: Vec<ResourceBody>,
    },
    /// `Type { attrs }`
    ResourceDefaults {
        /// Not `Regular` only in the invalid `@Type { … }` (kept for the validator to report).
        form: ResourceForm,
        type_name: String,
        attrs: Vec<AttributeOp>,
    },
    /// `Type['x'] { attrs }`
    ResourceOverride {
        target: Box<Expr>,
        attrs: Vec<AttributeOp>,
    },
    /// `Type <| query |>` (or `<<| |>>` when `exported`), with optional override attributes.
    Collector {
        type_name: String,
        query: Option<Box<Expr>>,
        exported: bool,
        attrs: Vec<AttributeOp>,
    },
    /// `(expr)`, kept so that precedence-sensitive forms stay visible.
    Paren(Box<Expr>),
    /// A `{ … }` block of statements (the value of the last).
    Block(Vec<Expr>),
    ClassDef(Arc<ClassDef>),
    DefineDef(Arc<DefineDef>),
    NodeDef(Arc<NodeDef>),
    FunctionDef(Arc<FunctionDef>),
    TypeAlias {
        name: String,
        value: Box<Expr>,
    },
    /// `type Runtime[…] = …`: a type mapping, which Puppet 7 parses but does not evaluate.
    TypeMapping {
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
}

impl Expr {
    /// An expression of `kind` at `span`.
    pub fn new(kind: ExprKind, span: Span) -> Expr {
        Expr { kind, span }
    }
}
