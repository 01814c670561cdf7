//! Puppet's validation pass (`checker4_0.rb`) over a parsed file: rules the grammar accepts but the
//! language forbids. Like Puppet, every node is checked (parent before children, in source order)
//! and all diagnostics are collected: errors, and the warnings Puppet 7 gives by default (a
//! duplicate hash key under `strict=warning`, a future reserved word as a deprecation).

use crate::ast::*;
use crate::lexer::Heredoc;
use crate::parser::ParseError;

/// What the validator found, each list in Puppet's order.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Diagnostics {
    /// Errors, in the order Puppet's checker finds them.
    pub errors: Vec<ParseError>,
    /// Warnings (Puppet 7's defaults: duplicate keys, future reserved words).
    pub warnings: Vec<ParseError>,
    /// Errors Puppet logs as they happen, before those above, each message carrying its own
    /// location in another text (the `pp` text of a heredoc).
    pub logged: Vec<String>,
}

/// Checks a file's top-level statements; `src` is the file's text (operators are located in it).
pub fn check(src: &str, stmts: &[Expr]) -> Diagnostics {
    check_with_heredocs(src, stmts, &[])
}

/// [`check`], also running the syntax checkers of the file's literal heredocs (see
/// [`crate::lexer::Lexed`]). A failed syntax check ends validation and is then its only error,
/// as in Puppet, where the checker raises from inside the validator.
pub fn check_with_heredocs(src: &str, stmts: &[Expr], heredocs: &[Heredoc]) -> Diagnostics {
    check_in_module(src, stmts, heredocs, None)
}

/// [`check_with_heredocs`] for a file that may be in a module (see [`ModuleFile`]): there, only
/// definitions may be at the top.
pub fn check_in_module(
    src: &str,
    stmts: &[Expr],
    heredocs: &[Heredoc],
    module: Option<&ModuleFile>,
) -> Diagnostics {
    let mut v = Validator { src, heredocs, module, fatal: None, out: Diagnostics::default() };
    if module.is_some() {
        for s in stmts {
            use ExprKind::*;
            if !matches!(
                s.kind,
                ClassDef(_) | DefineDef(_) | FunctionDef(_) | TypeAlias { .. } | TypeMapping { .. }
            ) {
                let message =
                    format!("This {} is unacceptable as a top level construct in this location", label(s));
                v.error(v.pos(s), message);
            }
        }
    }
    v.block(stmts, Ctx::Top);
    match v.fatal {
        Some((e, logged)) => Diagnostics { errors: vec![e], warnings: Vec::new(), logged },
        None => v.out,
    }
}

/// The first error of [`check`], if any.
pub fn validate(src: &str, stmts: &[Expr]) -> Result<(), ParseError> {
    match check(src, stmts).errors.into_iter().next() {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// A file inside a module of the modulepath: only definitions in the namespace its path gives
/// may be in it (`checker4_0.rb`'s `namespace_for_file`).
#[derive(Debug, Clone, PartialEq)]
pub struct ModuleFile {
    /// The file's path as Puppet names it in the message.
    pub file: String,
    /// `mod::dir::file` (lowercase), or `None` when the file is not under `manifests`,
    /// `functions`, `types` or `plans` (then nothing may be defined in it).
    pub namespace: Option<String>,
}

/// Where an expression sits, for Puppet's `top` rule on definitions.
#[derive(Clone, Copy, PartialEq)]
enum Ctx {
    /// A statement of the file.
    Top,
    /// A statement of a class body (always a block expression in Puppet's model).
    Class,
    /// A statement of a block expression elsewhere: the body of a define, node, function or
    /// lambda, or of an `if`/`case` branch with several statements. Functions and type aliases
    /// here are "not at toplevel"; classes, defines and nodes not "inside other classes".
    Body,
    Other,
}

struct Validator<'a> {
    src: &'a str,
    heredocs: &'a [Heredoc],
    module: Option<&'a ModuleFile>,
    /// A heredoc's failed syntax check, which stops validation, and what its checker logged.
    fatal: Option<(ParseError, Vec<String>)>,
    out: Diagnostics,
}

fn at(offset: u32, message: String) -> ParseError {
    ParseError { internal: false, message, offset: Some(offset as usize) }
}

impl Validator<'_> {
    fn error(&mut self, offset: u32, message: impl Into<String>) {
        self.out.errors.push(at(offset, message.into()));
    }

    fn warning(&mut self, offset: u32, message: impl Into<String>) {
        self.out.warnings.push(at(offset, message.into()));
    }

    /// Where the first token at or after `offset` starts (skipping blanks and comments): how an
    /// operator is found after its left operand, since Puppet locates operator expressions there.
    fn token_after(&self, offset: u32) -> u32 {
        let b = self.src.as_bytes();
        let mut i = offset as usize;
        while i < b.len() {
            match b[i] {
                b' ' | b'\t' | b'\r' | b'\n' => i += 1,
                b'#' => {
                    while i < b.len() && b[i] != b'\n' {
                        i += 1;
                    }
                }
                b'/' if b.get(i + 1) == Some(&b'*') => {
                    i = self.src[i + 2..].find("*/").map_or(b.len(), |e| i + 2 + e + 2);
                }
                _ => break,
            }
        }
        i as u32
    }

    /// Where Puppet locates `e`: operator expressions at their operator, others at their start.
    fn pos(&self, e: &Expr) -> u32 {
        use ExprKind::*;
        match &e.kind {
            Binary(_, l, _) | Relationship(_, l, _) | Assign(l, _) => self.token_after(l.span.end),
            _ => e.span.start,
        }
    }

    fn block(&mut self, stmts: &[Expr], ctx: Ctx) {
        // Every statement but the last must do something (only the first offender is reported).
        if let Some(s) = stmts.iter().take(stmts.len().saturating_sub(1)).find(|s| idem(s)) {
            let message = format!(
                "This {} has no effect. A value was produced and then forgotten (one or more preceding expressions may have the wrong form)",
                label(s)
            );
            self.error(self.pos(s), message);
        }
        for s in stmts {
            self.expr(s, ctx);
        }
    }

    fn exprs(&mut self, es: &[Expr]) {
        for e in es {
            self.expr(e, Ctx::Other);
        }
    }

    fn rvalues(&mut self, es: &[&Expr]) {
        for e in es {
            self.rvalue(e);
        }
    }

    /// `checker4_0.rb`'s `rvalue`: what is used as a value must produce one.
    fn rvalue(&mut self, e: &Expr) {
        use ExprKind::*;
        match &e.kind {
            Collector { exported, .. } => {
                let what = if *exported { "An Exported Query" } else { "A Virtual Query" };
                self.error(
                    e.span.start,
                    format!("Invalid use of expression. {what} does not produce a value"),
                );
            }
            ClassDef(_)
            | DefineDef(_)
            | NodeDef(_)
            | FunctionDef(_)
            | TypeAlias { .. }
            | TypeMapping { .. } => self.error(
                e.span.start,
                format!("Invalid use of expression. {} does not produce a value", a_an_uc(&label(e))),
            ),
            Not(x) | Neg(x) | Splat(x) => self.rvalue(x),
            _ => {}
        }
    }

    /// Puppet's `top` for a function, type alias or mapping: only in the file's statements.
    fn absolute_top(&mut self, ctx: Ctx, start: u32, what: &str) {
        match ctx {
            Ctx::Top => {}
            Ctx::Class | Ctx::Body => self.error(start, format!("A {what} may only appear at toplevel")),
            Ctx::Other => self.error(start, DEFINITION_PLACE),
        }
    }

    /// The checks of a class, define or function's name and parameters, in Puppet's order.
    fn definition(&mut self, e: &Expr, ctx: Ctx, name: &str, params: &[Param]) {
        let what = label(e);
        let start = e.span.start;
        let is_function = matches!(e.kind, ExprKind::FunctionDef(_));
        if is_function {
            self.absolute_top(ctx, start, &what);
        } else if !matches!(ctx, Ctx::Top | Ctx::Class) {
            self.error(start, DEFINITION_PLACE);
        }
        if !is_definition_name(name) {
            self.error(
                start,
                format!(
                    "Unacceptable name. The name '{name}' is unacceptable as the name of {}",
                    a_an(&what)
                ),
            );
        }
        if let Some(module) = self.module {
            let inside = match &module.namespace {
                Some(ns) => name.to_lowercase().starts_with(ns.as_str()),
                None => false,
            };
            if !inside {
                self.error(
                    start,
                    format!(
                        "Unacceptable location. The name '{name}' is unacceptable in file '{}'",
                        module.file
                    ),
                );
            }
        }
        self.reserved_type_name(start, name, &what);
        if name == "plan" {
            self.warning(start, "Use of future reserved word: 'plan'");
        }
        if !is_function {
            for p in params.iter().filter(|p| p.captures_rest) {
                self.error(
                    p.name_span.start,
                    format!("Parameter ${} has 'captures rest' - not supported in {}", p.name, a_an(&what)),
                );
            }
        }
        for (i, p) in params.iter().enumerate() {
            if params[..i].iter().any(|q| q.name == p.name) {
                self.error(
                    p.name_span.start,
                    format!("The parameter '{}' is declared more than once in the parameter list", p.name),
                );
            }
        }
        if !is_function {
            for p in params.iter().filter(|p| p.name == "name" || p.name == "title") {
                self.error(
                    p.name_span.start,
                    format!("The parameter ${} redefines a built in parameter in {}", p.name, the(&what)),
                );
            }
        }
    }

    fn reserved_type_name(&mut self, offset: u32, name: &str, what: &str) {
        if RESERVED_TYPE_NAMES.contains(&name) {
            self.error(
                offset,
                format!(
                    "The name: '{name}' is already defined by Puppet and can not be used as the name of {}.",
                    a_an(what)
                ),
            );
        }
    }

    /// A class, define or node body may not end with a value that has no effect.
    fn no_idem_last(&mut self, body: &[Expr], what: &str) {
        let violator = match body {
            [] => None,
            [only] => idem(only).then_some(only),
            _ => body.last().filter(|l| idem(l)),
        };
        if let Some(v) = violator {
            let message = format!(
                "This {} has no effect. {} can not end with a value-producing expression without other effect",
                label(v),
                a_an_uc(what)
            );
            self.error(self.pos(v), message);
        }
    }

    fn params(&mut self, params: &[Param]) {
        for p in params {
            let at = p.name_span.start;
            let numeric = {
                let n = p.name.strip_prefix("0x").unwrap_or(&p.name);
                !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())
            };
            if numeric {
                self.error(
                    at,
                    format!(
                        "The numeric parameter name '${}' cannot be used (clashes with numeric match result variables)",
                        p.name
                    ),
                );
            }
            if !is_param_name(&p.name) {
                self.error(
                    at,
                    format!(
                        "Illegal parameter name. The given name '{}' does not conform to the naming rule /^[a-z_]\\w*$/",
                        p.name
                    ),
                );
            }
            if let Some(d) = &p.default {
                self.no_assignment(d);
                self.expr(d, Ctx::Other);
            }
            if let Some(t) = &p.type_expr {
                self.expr(t, Ctx::Other);
            }
        }
    }

    /// A parameter's default may not assign (outside of a lambda in it).
    fn no_assignment(&mut self, e: &Expr) {
        use ExprKind::*;
        match &e.kind {
            Assign(..) => self.error(self.pos(e), "Assignment not allowed here"),
            Call { args, .. } => args.iter().for_each(|a| self.no_assignment(a)),
            MethodCall { receiver, args, .. } => {
                self.no_assignment(receiver);
                args.iter().for_each(|a| self.no_assignment(a));
            }
            Array(items) => items.iter().for_each(|i| self.no_assignment(i)),
            Hash(entries) => entries.iter().for_each(|(k, v)| {
                self.no_assignment(k);
                self.no_assignment(v);
            }),
            Access(t, keys) => {
                self.no_assignment(t);
                keys.iter().for_each(|k| self.no_assignment(k));
            }
            Binary(_, l, r) | Relationship(_, l, r) => {
                self.no_assignment(l);
                self.no_assignment(r);
            }
            Not(x) | Neg(x) | Splat(x) | Paren(x) => self.no_assignment(x),
            Block(stmts) => stmts.iter().for_each(|s| self.no_assignment(s)),
            If { cond, then, otherwise } | Unless { cond, then, otherwise } => {
                self.no_assignment(cond);
                then.iter().for_each(|s| self.no_assignment(s));
                otherwise.iter().flatten().for_each(|s| self.no_assignment(s));
            }
            Case { subject, options } => {
                self.no_assignment(subject);
                for o in options {
                    o.values.iter().for_each(|v| self.no_assignment(v));
                    o.body.iter().for_each(|s| self.no_assignment(s));
                }
            }
            Selector { subject, options } => {
                self.no_assignment(subject);
                options.iter().for_each(|(k, v)| {
                    self.no_assignment(k);
                    self.no_assignment(v);
                });
            }
            Interpolated(parts) => parts.iter().for_each(|p| {
                if let StrPart::Expr(x) = p {
                    self.no_assignment(x);
                }
            }),
            _ => {}
        }
    }

    fn attrs(&mut self, attrs: &[AttributeOp], plus_allowed: bool) {
        for a in attrs {
            if a.append && !plus_allowed {
                self.error(
                    a.span.start,
                    format!(
                        "Illegal +> operation on attribute {}. This operator can not be used in a Resource Instance Definition",
                        a.name
                    ),
                );
            }
            self.rvalue(&a.value);
            self.expr(&a.value, Ctx::Other);
        }
    }

    /// The parser bounds nesting, but a debug build's frames here are large enough that the
    /// deepest tree it accepts would still exhaust a 2 MiB thread: grow the stack as needed.
    fn expr(&mut self, e: &Expr, ctx: Ctx) {
        if self.fatal.is_some() {
            return;
        }
        stacker::maybe_grow(64 * 1024, 1 << 20, || self.expr_here(e, ctx))
    }

    fn expr_here(&mut self, e: &Expr, ctx: Ctx) {
        use ExprKind::*;
        match &e.kind {
            ClassDef(c) => {
                self.definition(e, ctx, &c.name, &c.params);
                self.no_idem_last(&c.body, "Host Class Definition");
                self.params(&c.params);
                self.block(&c.body, Ctx::Class);
            }
            DefineDef(d) => {
                self.definition(e, ctx, &d.name, &d.params);
                self.no_idem_last(&d.body, "'define' expression");
                self.params(&d.params);
                self.block(&d.body, Ctx::Body);
            }
            NodeDef(n) => {
                self.hostnames(n);
                if !matches!(ctx, Ctx::Top | Ctx::Class) {
                    self.error(e.span.start, DEFINITION_PLACE);
                }
                self.no_idem_last(&n.body, "Node Definition");
                if let Some(parent) = n.parent {
                    self.error(
                        parent.start,
                        "Node inheritance is not supported in Puppet >= 4.0.0. See http://links.puppet.com/puppet-node-inheritance-deprecation",
                    );
                }
                self.block(&n.body, Ctx::Body);
            }
            FunctionDef(f) => {
                self.definition(e, ctx, &f.name, &f.params);
                if let Some(r) = &f.return_type {
                    self.type_ref(r, e);
                }
                self.params(&f.params);
                if let Some(r) = &f.return_type {
                    self.expr(r, Ctx::Other);
                }
                self.block(&f.body, Ctx::Body);
            }
            TypeAlias { name, value } => {
                let start = self.token_after(e.span.start + "type".len() as u32);
                self.absolute_top(ctx, start, "Type Alias");
                self.reserved_type_name(start, name, "Type Alias");
                self.type_ref(value, e);
                self.expr(value, Ctx::Other);
            }
            TypeMapping { lhs, rhs } => {
                let start = lhs.span.start;
                self.absolute_top(ctx, start, "Type Mapping");
                // `checker4_0.rb`'s `check_TypeMapping`: `Runtime[…] = Type` maps one runtime
                // type, `Runtime[x, [/re/, 'repl']] = [/re/, 'repl']` a pattern of them.
                let lhs_kind = match &lhs.kind {
                    Access(t, keys) if matches!(&t.kind, TypeRef(n) if n == "Runtime") => {
                        if keys.len() == 2 && pattern_with_replacement(&keys[1]) {
                            2
                        } else {
                            1
                        }
                    }
                    _ => 0,
                };
                const SINGLE: &str =
                    "Illegal type mapping. Expected a Type on the left side, got A Type Mapping";
                const REGEXP: &str =
                    "Illegal type mapping. Expected a Tuple[Regexp,String] on the left side, got A Type Mapping";
                let rhs_ref = matches!(&rhs.kind, TypeRef(_))
                    || matches!(&rhs.kind, Access(t, _) if matches!(t.kind, TypeRef(_)));
                match lhs_kind {
                    0 => self.error(
                        start,
                        "Expressions of type a Type Mapping are not supported in this version of Puppet",
                    ),
                    1 if !rhs_ref => self.error(start, SINGLE),
                    2 if !pattern_with_replacement(rhs) => self.error(start, REGEXP),
                    _ => {}
                }
                self.expr(lhs, Ctx::Other);
                self.expr(rhs, Ctx::Other);
            }
            Assign(target, value) => {
                let op_at = self.token_after(target.span.end);
                match self.src.get(op_at as usize..op_at as usize + 2) {
                    Some(op @ ("+=" | "-=")) => self.error(
                        op_at,
                        format!("The operator '{op}' is no longer supported. See http://links.puppet.com/remove-plus-equals"),
                    ),
                    _ => {
                        self.assignable(target, false);
                        self.rvalue(value);
                    }
                }
                self.expr(target, Ctx::Other);
                self.expr(value, Ctx::Other);
            }
            Selector { subject, options } => {
                self.rvalue(subject);
                if let Some((k, _)) = options.iter().filter(|(k, _)| matches!(k.kind, Default)).nth(1) {
                    self.error(
                        k.span.start,
                        "This Selector Expression already has a 'default' entry - this is a duplicate",
                    );
                }
                self.expr(subject, Ctx::Other);
                for (k, v) in options {
                    self.rvalue(k);
                    self.expr(k, Ctx::Other);
                    self.expr(v, Ctx::Other);
                }
            }
            Case { subject, options } => {
                self.rvalue(subject);
                let defaults = options.iter().flat_map(|o| &o.values).filter(|v| matches!(v.kind, Default));
                for d in defaults.skip(1) {
                    self.error(
                        d.span.start,
                        "This 'case' statement already has a 'default' entry - this is a duplicate",
                    );
                }
                self.expr(subject, Ctx::Other);
                for o in options {
                    o.values.iter().for_each(|v| self.rvalue(v));
                    self.exprs(&o.values);
                    self.block(&o.body, branch(&o.body));
                }
            }
            If { cond, then, otherwise } | Unless { cond, then, otherwise } => {
                self.rvalue(cond);
                self.expr(cond, Ctx::Other);
                self.block(then, branch(then));
                if let Some(o) = otherwise {
                    self.block(o, branch(o));
                }
            }
            Resource { form, type_name, bodies } => {
                if *form != ResourceForm::Regular && matches!(&type_name.kind, BareWord(n) if n == "class") {
                    self.error(e.span.start, "Classes are not virtualizable");
                }
                self.expr(type_name, Ctx::Other);
                for b in bodies {
                    if let Some(second) = b.attrs.iter().filter(|a| a.name == "*").nth(1) {
                        self.error(
                            second.span.start,
                            "Unfolding of attributes from Hash can only be used once per resource body",
                        );
                    }
                    self.expr(&b.title, Ctx::Other);
                    self.attrs(&b.attrs, false);
                }
            }
            ResourceDefaults { attrs, form, .. } => {
                if *form != ResourceForm::Regular {
                    self.error(e.span.start, "Resource Defaults are not virtualizable");
                }
                self.attrs(attrs, true)
            }
            ResourceOverride { target, attrs } => {
                self.expr(target, Ctx::Other);
                self.attrs(attrs, true)
            }
            Collector { query, attrs, .. } => {
                if let Some(q) = query {
                    self.query(q);
                    self.expr(q, Ctx::Other);
                }
                self.attrs(attrs, true)
            }
            Call { args, lambda, .. } => {
                self.exprs(args);
                if let Some(l) = lambda {
                    self.lambda(l);
                }
            }
            MethodCall { receiver, args, lambda, .. } => {
                self.expr(receiver, Ctx::Other);
                self.exprs(args);
                if let Some(l) = lambda {
                    self.lambda(l);
                }
            }
            Array(items) => {
                items.iter().for_each(|i| self.rvalue(i));
                self.exprs(items);
            }
            Hash(entries) => {
                let mut seen: Vec<Literal> = Vec::new();
                for (k, _) in entries {
                    if let Some(key) = literal(k) {
                        if seen.contains(&key) {
                            // Puppet locates a hash entry at its `=>`.
                            self.warning(
                                self.token_after(k.span.end),
                                format!("The key '{}' is declared more than once", key.to_s()),
                            );
                        } else {
                            seen.push(key);
                        }
                    }
                }
                for (k, v) in entries {
                    self.rvalues(&[k, v]);
                    self.expr(k, Ctx::Other);
                    self.expr(v, Ctx::Other);
                }
            }
            Access(t, keys) => {
                self.expr(t, Ctx::Other);
                self.exprs(keys);
            }
            Binary(_, l, r) => {
                self.rvalues(&[l, r]);
                self.expr(l, Ctx::Other);
                self.expr(r, Ctx::Other)
            }
            Relationship(_, l, r) => {
                for side in [l, r] {
                    if !matches!(side.kind, Collector { .. } | Relationship(..)) {
                        self.rvalue(side);
                    }
                }
                self.expr(l, Ctx::Other);
                self.expr(r, Ctx::Other)
            }
            Not(x) | Neg(x) | Splat(x) => {
                self.rvalue(x);
                self.expr(x, Ctx::Other)
            }
            Paren(x) => self.expr(x, Ctx::Other),
            Block(stmts) => self.block(stmts, Ctx::Other),
            Interpolated(parts) => {
                for p in parts {
                    if let StrPart::Expr(x) = p {
                        self.expr(x, Ctx::Other);
                    }
                }
            }
            Str(text) => {
                let heredoc = self.heredocs.iter().find(|h| h.at == e.span.start as usize);
                if let Some(h) = heredoc {
                    if let Some(problem) = crate::heredoc_syntax::check(&h.syntax, text) {
                        let message = format!(
                            "Invalid produced text having syntax: '{}'. {}",
                            h.syntax, problem.message
                        );
                        self.fatal = Some((
                            ParseError { internal: false, message, offset: Some(h.body) },
                            problem.logged,
                        ));
                    }
                }
            }
            Undef | Default | Bool(_) | Int(_) | Float(_) | BareWord(_) | TypeRef(_) | Regex(_) | Var(_) => {}
        }
    }

    fn lambda(&mut self, l: &Lambda) {
        let last = l.params.len().saturating_sub(1);
        for (i, p) in l.params.iter().enumerate() {
            if p.captures_rest && i != last {
                self.error(
                    p.name_span.start,
                    format!("Parameter ${} is not last, and has 'captures rest'", p.name),
                );
            }
        }
        self.params(&l.params);
        self.block(&l.body, Ctx::Body);
    }

    /// A type alias's value and a function's return type must be type references.
    fn type_ref(&mut self, r: &Expr, container: &Expr) {
        let n = match &r.kind {
            ExprKind::Access(t, _) => t,
            _ => r,
        };
        if !matches!(n.kind, ExprKind::TypeRef(_)) {
            let message = format!(
                "Illegal expression. {} is unacceptable as a type reference in {}",
                a_an_uc(&label(r)),
                a_an(&label(container))
            );
            self.error(self.pos(r), message);
        }
    }

    /// `checker4_0.rb`'s `query`: a collector's query compares attributes with `==`/`!=`,
    /// combined with `and`/`or` and parentheses.
    fn query(&mut self, q: &Expr) {
        use ExprKind::*;
        match &q.kind {
            Binary(BinOp::And | BinOp::Or, l, r) => {
                self.query(l);
                self.query(r);
            }
            Binary(BinOp::Eq | BinOp::Ne, ..) => {}
            Paren(x) => self.query(x),
            Var(_) | BareWord(_) | Int(_) | Float(_) | Str(_) | Bool(_) => {}
            _ => self.error(
                self.pos(q),
                format!("Illegal query expression. {} cannot be used in a query", a_an_uc(&label(q))),
            ),
        }
    }

    fn hostnames(&mut self, n: &NodeDef) {
        for (m, span) in n.matchers.iter().zip(&n.matcher_spans) {
            if let NodeMatcher::Interpolated(at) = m {
                self.error(*at, "An interpolated expression is not allowed in a hostname of a node");
            }
            if let NodeMatcher::Name(name) = m {
                if name.chars().any(|c| !(c.is_alphanumeric() || c == '_' || c == '-' || c == '.')) {
                    self.error(
                        span.start,
                        format!("The hostname '{name}' contains illegal characters (only letters, digits, '_', '-', and '.' are allowed)"),
                    );
                }
            }
        }
    }

    /// Puppet's assignability rules for the target of `=`.
    fn assignable(&mut self, target: &Expr, via_index: bool) {
        let at = self.pos(target);
        match &target.kind {
            ExprKind::Var(name) if name.bytes().all(|b| b.is_ascii_digit()) => self.error(
                at,
                format!("Illegal attempt to assign to the numeric match result variable '${name}'. Numeric variables are not assignable"),
            ),
            ExprKind::Var(name) if name.contains("::") => self.error(
                at,
                format!("Illegal attempt to assign to '{name}'. Cannot assign to variables in other namespaces"),
            ),
            ExprKind::Var(_) => {}
            ExprKind::Array(items) => items.iter().for_each(|i| self.assignable(i, false)),
            ExprKind::Access(..) => {
                self.error(at, "Illegal attempt to assign via [index/key]. Not an assignable reference")
            }
            _ if via_index => {
                self.error(at, "Illegal attempt to assign via [index/key]. Not an assignable reference")
            }
            _ => self.error(
                at,
                format!("Illegal attempt to assign to '{}'. Not an assignable reference", a_an(&label(target))),
            ),
        }
    }
}

/// The context of an `if`/`unless`/`case` branch's statements: one statement stands alone in
/// Puppet's model, several make a block expression.
fn branch(stmts: &[Expr]) -> Ctx {
    if stmts.len() > 1 {
        Ctx::Body
    } else {
        Ctx::Other
    }
}

const DEFINITION_PLACE: &str =
    "Classes, definitions, and nodes may only appear at toplevel or inside other classes";

/// `checker4_0.rb`'s `RESERVED_TYPE_NAMES`: names of the type system's own types.
const RESERVED_TYPE_NAMES: &[&str] = &[
    "type",
    "any",
    "unit",
    "scalar",
    "boolean",
    "numeric",
    "integer",
    "float",
    "collection",
    "array",
    "hash",
    "tuple",
    "struct",
    "variant",
    "optional",
    "enum",
    "regexp",
    "pattern",
    "runtime",
    "init",
    "object",
    "sensitive",
    "semver",
    "semverrange",
    "string",
    "timestamp",
    "timespan",
    "typeset",
];

/// `[/regexp/, 'replacement']`.
fn pattern_with_replacement(e: &Expr) -> bool {
    matches!(&e.kind, ExprKind::Array(v) if v.len() == 2
        && matches!(v[0].kind, ExprKind::Regex(_))
        && matches!(v[1].kind, ExprKind::Str(_)))
}

/// `Patterns::CLASSREF_DECL`: `[a-z][\w]*` segments joined by `::`.
fn is_definition_name(name: &str) -> bool {
    name.split("::").all(|seg| {
        let b = seg.as_bytes();
        !b.is_empty()
            && b[0].is_ascii_lowercase()
            && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_')
    })
}

/// `Patterns::PARAM_NAME`: `/\A[a-z_]\w*\z/`.
fn is_param_name(name: &str) -> bool {
    let b = name.as_bytes();
    !b.is_empty()
        && (b[0].is_ascii_lowercase() || b[0] == b'_')
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_')
}

/// Whether evaluating `e` for its value alone can have no effect (`checker4_0.rb`'s `idem`).
fn idem(e: &Expr) -> bool {
    use ExprKind::*;
    match &e.kind {
        Undef
        | Default
        | Bool(_)
        | Int(_)
        | Float(_)
        | Str(_)
        | Interpolated(_)
        | BareWord(_)
        | TypeRef(_)
        | Regex(_)
        | Var(_)
        | Access(..)
        | Not(_)
        | Neg(_)
        | Splat(_)
        | Array(_)
        | Hash(_)
        | Selector { .. } => true,
        Binary(op, ..) => !matches!(op, BinOp::Match | BinOp::NoMatch),
        Paren(inner) => idem(inner),
        Block(stmts) => stmts.iter().all(idem),
        If { cond, then, otherwise } | Unless { cond, then, otherwise } => {
            idem(cond) && then.iter().all(idem) && otherwise.iter().flatten().all(idem)
        }
        Case { subject, options } => {
            idem(subject) && options.iter().all(|o| o.values.iter().all(idem) && o.body.iter().all(idem))
        }
        _ => false,
    }
}

fn op_text(o: &BinOp) -> &'static str {
    match o {
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
    }
}

/// The name Puppet's `ModelLabelProvider` gives an expression's kind.
pub(crate) fn label(e: &Expr) -> String {
    use ExprKind::*;
    let s = match &e.kind {
        Undef => "'undef' expression",
        Default => "'default' expression",
        Bool(_) => "Boolean",
        Int(_) => "Literal Integer",
        Float(_) => "Literal Float",
        Str(_) => "String",
        Interpolated(_) => "Double Quoted String",
        BareWord(_) => "Name",
        TypeRef(_) => "Type-Name",
        Regex(_) => "Regular Expression",
        Var(_) => "Variable",
        Array(_) => "Array Expression",
        Hash(_) => "Hash Expression",
        Access(..) => "'[]' expression",
        Binary(o, ..) => return format!("'{}' expression", op_text(o)),
        Relationship(a, ..) => {
            let a = match a {
                Arrow::Before => "->",
                Arrow::Notify => "~>",
                Arrow::Require => "<-",
                Arrow::Subscribe => "<~",
            };
            return format!("'{a}' expression");
        }
        Assign(..) => "'=' expression",
        Not(_) => "'not' expression",
        Neg(_) => "Unary Minus",
        Splat(_) => "Unfold",
        Call { .. } => "Function Call",
        MethodCall { .. } => "Method call",
        If { .. } => "'if' statement",
        Unless { .. } => "'unless' Statement",
        Case { .. } => "'case' statement",
        Selector { .. } => "Selector Expression",
        Resource { .. } => "Resource Statement",
        ResourceDefaults { .. } => "Resource Defaults Expression",
        ResourceOverride { .. } => "Resource Override",
        Collector { exported: true, .. } => "Exported Query",
        Collector { .. } => "Virtual Query",
        Paren(_) => "Parenthesized Expression",
        Block(_) => "Block Expression",
        ClassDef(_) => "Host Class Definition",
        DefineDef(_) => "'define' expression",
        NodeDef(_) => "Node Definition",
        FunctionDef(_) => "Function Definition",
        TypeAlias { .. } => "Type Alias",
        TypeMapping { .. } => "Type Mapping",
    };
    s.to_string()
}

/// `LabelProvider#article`: "an" before a vowel (y included), looking past a leading quote.
fn article(label: &str) -> &'static str {
    let mut chars = label.chars();
    let first = match chars.next() {
        Some('\'' | '"' | '(' | '[') => chars.next(),
        c => c,
    };
    match first.map(|c| c.to_ascii_lowercase()) {
        Some('a' | 'e' | 'i' | 'o' | 'u' | 'y') => "an",
        _ => "a",
    }
}

fn a_an(label: &str) -> String {
    format!("{} {label}", article(label))
}

/// The label with its capitalised article ("A Variable", "An 'and' expression").
pub(crate) fn a_an_uc(label: &str) -> String {
    let a = if article(label) == "an" { "An" } else { "A" };
    format!("{a} {label}")
}

fn the(label: &str) -> String {
    format!("the {label}")
}

/// A hash key's value when it is a literal (`LiteralEvaluator`), compared as Ruby compares keys.
#[derive(Debug, Clone, PartialEq)]
enum Literal {
    Str(String),
    Int(i64),
    /// By its bits, as `eql?` compares floats.
    Float(u64),
    Bool(bool),
    Undef,
    Default,
    Regex(String),
    List(Vec<Literal>),
    Hash(Vec<(Literal, Literal)>),
}

fn literal(e: &Expr) -> Option<Literal> {
    use ExprKind::*;
    Some(match &e.kind {
        Str(s) | BareWord(s) => Literal::Str(s.clone()),
        Interpolated(parts) => match parts.as_slice() {
            [StrPart::Text(t)] => Literal::Str(t.clone()),
            _ => return None,
        },
        Int(i) => Literal::Int(*i),
        Float(f) => Literal::Float(f.to_bits()),
        Bool(b) => Literal::Bool(*b),
        Undef => Literal::Undef,
        Default => Literal::Default,
        Regex(r) => Literal::Regex(r.clone()),
        Array(items) => Literal::List(items.iter().map(literal).collect::<Option<_>>()?),
        Hash(entries) => Literal::Hash(
            entries.iter().map(|(k, v)| Some((literal(k)?, literal(v)?))).collect::<Option<_>>()?,
        ),
        _ => return None,
    })
}

impl Literal {
    /// Ruby's `to_s`, as the duplicate key message interpolates the key.
    fn to_s(&self) -> String {
        match self {
            Literal::Str(s) => s.clone(),
            Literal::Undef => String::new(),
            Literal::Default => "default".into(),
            other => other.inspect(),
        }
    }

    /// Ruby's `inspect`.
    fn inspect(&self) -> String {
        match self {
            Literal::Str(s) => format!("{s:?}"),
            Literal::Int(i) => i.to_string(),
            Literal::Float(bits) => {
                let f = f64::from_bits(*bits);
                if f.fract() == 0.0 && f.abs() < 1e16 {
                    format!("{f:.1}")
                } else {
                    f.to_string()
                }
            }
            Literal::Bool(b) => b.to_string(),
            Literal::Undef => "nil".into(),
            Literal::Default => ":default".into(),
            Literal::Regex(r) => format!("/{r}/"),
            Literal::List(items) => {
                format!("[{}]", items.iter().map(Literal::inspect).collect::<Vec<_>>().join(", "))
            }
            Literal::Hash(entries) => format!(
                "{{{}}}",
                entries
                    .iter()
                    .map(|(k, v)| format!("{}=>{}", k.inspect(), v.inspect()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}
