//! Puppet's validation pass (`checker4_0.rb`) over a parsed file: rules the grammar accepts but the
//! language forbids, reported as `puppet parser validate` reports them (first error wins).

use crate::ast::*;
use crate::parser::ParseError;
use crate::span::Span;

/// Checks a file's top-level statements.
pub fn validate(stmts: &[Expr]) -> Result<(), ParseError> {
    let mut v = Validator;
    v.block(stmts, Ctx::Top)
}

/// Where an expression sits, for the "definitions only at top level or in classes" rule.
#[derive(Clone, Copy, PartialEq)]
enum Ctx {
    Top,
    Class,
    Other,
}

struct Validator;

fn fail<T>(span: Span, message: impl Into<String>) -> Result<T, ParseError> {
    Err(ParseError { message: message.into(), offset: Some(span.start as usize) })
}

impl Validator {
    fn block(&mut self, stmts: &[Expr], ctx: Ctx) -> Result<(), ParseError> {
        let n = stmts.len();
        for (i, s) in stmts.iter().enumerate() {
            self.expr(s, ctx)?;
            // Every statement but the last must do something.
            if i + 1 < n && idem(s) {
                return fail(
                    s.span,
                    format!(
                        "This {} has no effect. A value was produced and then forgotten (one or more preceding expressions may have the wrong form)",
                        label(s)
                    ),
                );
            }
        }
        Ok(())
    }

    fn exprs(&mut self, es: &[Expr]) -> Result<(), ParseError> {
        for e in es {
            self.expr(e, Ctx::Other)?;
        }
        Ok(())
    }

    fn params(&mut self, params: &[Param], what: &str, reserved: &[&str]) -> Result<(), ParseError> {
        for p in params {
            if reserved.contains(&p.name.as_str()) {
                return fail(
                    p.name_span,
                    format!("The parameter ${} redefines a built in parameter in the {what}", p.name),
                );
            }
            if let Some(d) = &p.default {
                self.expr(d, Ctx::Other)?;
            }
        }
        Ok(())
    }

    fn attrs(&mut self, attrs: &[AttributeOp], plus_allowed: bool) -> Result<(), ParseError> {
        for a in attrs {
            if a.append && !plus_allowed {
                return fail(
                    a.span,
                    format!(
                        "Illegal +> operation on attribute {}. This operator can not be used in a Resource Instance Definition",
                        a.name
                    ),
                );
            }
            self.expr(&a.value, Ctx::Other)?;
        }
        Ok(())
    }

    /// The parser bounds nesting, but a debug build's frames here are large enough that the
    /// deepest tree it accepts would still exhaust a 2 MiB thread: grow the stack as needed.
    fn expr(&mut self, e: &Expr, ctx: Ctx) -> Result<(), ParseError> {
        stacker::maybe_grow(64 * 1024, 1 << 20, || self.expr_here(e, ctx))
    }

    fn expr_here(&mut self, e: &Expr, ctx: Ctx) -> Result<(), ParseError> {
        use ExprKind::*;
        match &e.kind {
            ClassDef(c) => {
                if ctx == Ctx::Other {
                    return fail(e.span, DEFINITION_PLACE);
                }
                self.params(&c.params, "Host Class Definition", &["title", "name"])?;
                self.block(&c.body, Ctx::Class)
            }
            DefineDef(d) => {
                if ctx == Ctx::Other {
                    return fail(e.span, DEFINITION_PLACE);
                }
                self.params(&d.params, "'define' expression", &["title", "name"])?;
                self.block(&d.body, Ctx::Other)
            }
            NodeDef(n) => {
                if ctx == Ctx::Other {
                    return fail(e.span, DEFINITION_PLACE);
                }
                self.block(&n.body, Ctx::Other)
            }
            FunctionDef(f) => {
                self.params(&f.params, "function", &[])?;
                self.block(&f.body, Ctx::Other)
            }
            Assign(target, value) => {
                assignable(target, e.span)?;
                self.expr(value, Ctx::Other)
            }
            Selector { subject, options } => {
                self.expr(subject, Ctx::Other)?;
                let mut seen_default = false;
                for (k, v) in options {
                    if matches!(k.kind, Default) {
                        if seen_default {
                            return fail(
                                k.span,
                                "This Selector Expression already has a 'default' entry - this is a duplicate",
                            );
                        }
                        seen_default = true;
                    }
                    self.expr(k, Ctx::Other)?;
                    self.expr(v, Ctx::Other)?;
                }
                Ok(())
            }
            Case { subject, options } => {
                self.expr(subject, Ctx::Other)?;
                for o in options {
                    self.exprs(&o.values)?;
                    self.block(&o.body, Ctx::Other)?;
                }
                Ok(())
            }
            If { cond, then, otherwise } | Unless { cond, then, otherwise } => {
                self.expr(cond, Ctx::Other)?;
                self.block(then, Ctx::Other)?;
                match otherwise {
                    Some(o) => self.block(o, Ctx::Other),
                    None => Ok(()),
                }
            }
            Resource { type_name, bodies, .. } => {
                self.expr(type_name, Ctx::Other)?;
                for b in bodies {
                    self.expr(&b.title, Ctx::Other)?;
                    self.attrs(&b.attrs, false)?;
                }
                Ok(())
            }
            ResourceDefaults { attrs, .. } => self.attrs(attrs, true),
            ResourceOverride { target, attrs } => {
                self.expr(target, Ctx::Other)?;
                self.attrs(attrs, true)
            }
            Collector { query, attrs, .. } => {
                if let Some(q) = query {
                    self.expr(q, Ctx::Other)?;
                }
                self.attrs(attrs, true)
            }
            Call { args, lambda, .. } => {
                self.exprs(args)?;
                if let Some(l) = lambda {
                    self.params(&l.params, "lambda", &[])?;
                    self.block(&l.body, Ctx::Other)?;
                }
                Ok(())
            }
            MethodCall { receiver, args, lambda, .. } => {
                self.expr(receiver, Ctx::Other)?;
                self.exprs(args)?;
                if let Some(l) = lambda {
                    self.params(&l.params, "lambda", &[])?;
                    self.block(&l.body, Ctx::Other)?;
                }
                Ok(())
            }
            Array(items) => self.exprs(items),
            Hash(entries) => {
                for (k, v) in entries {
                    self.expr(k, Ctx::Other)?;
                    self.expr(v, Ctx::Other)?;
                }
                Ok(())
            }
            Access(t, keys) => {
                self.expr(t, Ctx::Other)?;
                self.exprs(keys)
            }
            Binary(_, l, r) | Relationship(_, l, r) => {
                self.expr(l, Ctx::Other)?;
                self.expr(r, Ctx::Other)
            }
            Not(x) | Neg(x) | Splat(x) | Paren(x) => self.expr(x, Ctx::Other),
            Block(stmts) => self.block(stmts, Ctx::Other),
            Interpolated(parts) => {
                for p in parts {
                    if let StrPart::Expr(x) = p {
                        self.expr(x, Ctx::Other)?;
                    }
                }
                Ok(())
            }
            TypeAlias { value, .. } => self.expr(value, Ctx::Other),
            Undef | Default | Bool(_) | Int(_) | Float(_) | Str(_) | BareWord(_) | TypeRef(_) | Regex(_)
            | Var(_) => Ok(()),
        }
    }
}

const DEFINITION_PLACE: &str =
    "Classes, definitions, and nodes may only appear at toplevel or inside other classes";

/// Puppet's assignability rules for `target = value`.
fn assignable(target: &Expr, at: Span) -> Result<(), ParseError> {
    match &target.kind {
        ExprKind::Var(name) if name.bytes().all(|b| b.is_ascii_digit()) => fail(
            at,
            format!("Illegal attempt to assign to the numeric match result variable '${name}'. Numeric variables are not assignable"),
        ),
        ExprKind::Var(name) if name.contains("::") => fail(
            at,
            format!("Illegal attempt to assign to '{name}'. Cannot assign to variables in other namespaces"),
        ),
        ExprKind::Var(_) => Ok(()),
        ExprKind::Array(items) => items.iter().try_for_each(|i| assignable(i, at)),
        ExprKind::Access(..) => {
            fail(at, "Illegal attempt to assign via [index/key]. Not an assignable reference".to_string())
        }
        _ => fail(
            at,
            format!("Illegal attempt to assign to '{}'. Not an assignable reference", article(target)),
        ),
    }
}

/// Whether evaluating `e` for its value alone can have no effect (`checker4_0.rb`'s `idem`).
fn idem(e: &Expr) -> bool {
    use ExprKind::*;
    match &e.kind {
        Undef | Default | Bool(_) | Int(_) | Float(_) | Str(_) | Interpolated(_) | BareWord(_)
        | TypeRef(_) | Regex(_) | Var(_) | Access(..) | Not(_) | Neg(_) => true,
        Binary(op, ..) => !matches!(op, BinOp::Match | BinOp::NoMatch),
        Paren(inner) => idem(inner),
        _ => false,
    }
}

/// The name Puppet's messages give an expression's kind.
fn label(e: &Expr) -> &'static str {
    use ExprKind::*;
    match &e.kind {
        Undef => "Literal Undef",
        Default => "Literal Default",
        Bool(_) => "Literal Boolean",
        Int(_) => "Literal Integer",
        Float(_) => "Literal Float",
        Str(_) => "Literal String",
        Interpolated(_) => "String",
        BareWord(_) => "Name",
        TypeRef(_) => "Type-Name",
        Regex(_) => "Literal Regular Expression",
        Var(_) => "Variable",
        Access(..) => "Access Expression",
        Not(_) => "Not Expression",
        Neg(_) => "Unary Minus Expression",
        Paren(_) => "Parenthesized Expression",
        Binary(op, ..) => match op {
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Mod | BinOp::Shl | BinOp::Shr => {
                "Arithmetic Expression"
            }
            BinOp::And => "'and' expression",
            BinOp::Or => "'or' expression",
            BinOp::In => "'in' expression",
            _ => "Comparison Expression",
        },
        _ => "Expression",
    }
}

/// The assignment error's description of its target: Puppet's `ModelLabelProvider` label with
/// its `a_an` article ("a Literal Integer", "an 'and' expression", "an Unary Minus").
fn article(e: &Expr) -> String {
    use ExprKind::*;
    let op = |o: &BinOp| match o {
        BinOp::Add => "+",
        BinOp::Sub => "-",
        BinOp::Mul => "*",
        BinOp::Div => "/",
        BinOp::Mod => "%",
        BinOp::Shl => "<<",
        BinOp::Shr => ">>",
        BinOp::Eq => "==",
        BinOp::Ne => "!=",
        BinOp::Lt => "<",
        BinOp::Le => "<=",
        BinOp::Gt => ">",
        BinOp::Ge => ">=",
        BinOp::Match => "=~",
        BinOp::NoMatch => "!~",
        BinOp::In => "in",
        BinOp::And => "and",
        BinOp::Or => "or",
    };
    let label = match &e.kind {
        Str(_) => "String".to_string(),
        Interpolated(_) => "Double Quoted String".to_string(),
        Int(_) => "Literal Integer".to_string(),
        Float(_) => "Literal Float".to_string(),
        Bool(_) => "Boolean".to_string(),
        BareWord(_) => "Name".to_string(),
        TypeRef(_) => "Type-Name".to_string(),
        Regex(_) => "Regular Expression".to_string(),
        Paren(_) => "Parenthesized Expression".to_string(),
        Neg(_) => "Unary Minus".to_string(),
        Not(_) => "'not' expression".to_string(),
        Undef => "'undef' expression".to_string(),
        Default => "'default' expression".to_string(),
        Hash(_) => "Hash Expression".to_string(),
        Binary(o, ..) => format!("'{}' expression", op(o)),
        _ => "Expression".to_string(),
    };
    // `a_an`: "an" before a vowel, looking past a leading quote.
    let first = label.chars().find(|c| *c != '\'').unwrap_or('x');
    let a = if "aeiouAEIOU".contains(first) { "an" } else { "a" };
    format!("{a} {label}")
}
