//! Collectors (`Type <| query |> { overrides }`), realization of virtual resources, exported
//! resources (dropped without storeconfigs, as Puppet 7 does), and the completion phase that runs
//! collectors and lazily evaluated defines until nothing changes.

use std::collections::HashSet;
use std::sync::Arc;

use bunraku_model::reference::capitalize_type;

use super::scope::{resource_of, ScopeId};
use super::{Compiler, R};
use crate::ast::{AttributeOp, BinOp, Expr, ExprKind};
use crate::source::SourceFile;
use crate::span::Span;
use crate::value::{puppet_eq, Value};

/// A collector waiting for catalog completion.
pub(crate) struct PendingCollector {
    type_name: String,
    query: Option<Expr>,
    attrs: Vec<AttributeOp>,
    scope: ScopeId,
    file: Arc<SourceFile>,
    /// Resources this collector already collected (overrides apply once).
    done: HashSet<usize>,
}

impl<'e> Compiler<'e> {
    /// Records a collector; `<<| |>>` is dropped with Puppet's warning (no storeconfigs).
    pub(crate) fn add_collector(
        &mut self,
        type_name: &str,
        query: Option<&Expr>,
        exported: bool,
        attrs: &[AttributeOp],
        scope: ScopeId,
        span: Span,
    ) -> R<Value> {
        let lower = type_name.trim_start_matches("::").to_lowercase();
        if lower == "class" {
            return Err(self.err(span, "Error while evaluating a Virtual Query, Classes cannot be collected"));
        }
        if !self.is_resource_type(&lower, span)? {
            return Err(self.err(
                span,
                format!("Error while evaluating a Virtual Query, Resource type {lower} doesn't exist"),
            ));
        }
        if exported {
            let (line, col) = self.file.lines.line_col(&self.file.text, span.start as usize);
            tracing::warn!(
                "You cannot collect exported resources without storeconfigs being set; the collection will be ignored (file: {}, line: {line}, column: {col})",
                self.file.path.display()
            );
            return Ok(Value::Undef);
        }
        self.collectors.push(PendingCollector {
            type_name: capitalize_type(type_name.trim_start_matches("::")),
            query: query.cloned(),
            attrs: attrs.to_vec(),
            scope,
            file: self.file.clone(),
            done: HashSet::new(),
        });
        Ok(Value::Undef)
    }

    /// The resources collector `i` collected, in the order they were declared.
    pub(crate) fn collected(&self, i: usize) -> Vec<usize> {
        let mut idxs: Vec<usize> =
            self.collectors.get(i).map(|c| c.done.iter().copied().collect()).unwrap_or_default();
        idxs.sort_unstable();
        idxs
    }

    /// Makes a virtual resource real: it joins the catalog, contained where it was declared.
    pub(crate) fn realize(&mut self, idx: usize) {
        if !self.resources[idx].virtual_ || self.resources[idx].exported {
            return;
        }
        self.resources[idx].virtual_ = false;
        if let Some(scope) = self.resources[idx].scope {
            if let Some(container) = resource_of(&self.scopes, scope) {
                self.edges.push((container, idx));
            }
        }
    }

    /// Runs collectors and defines until neither produces anything new (Puppet's
    /// `evaluate_generators`).
    /// A define that declares itself under a new title never ends; Puppet gives up after 1,000
    /// rounds, and so do we.
    pub(crate) fn complete(&mut self) -> R<()> {
        let mut rounds = 0;
        loop {
            let before = (self.resources.len(), self.resources.iter().filter(|r| !r.virtual_).count());
            let mut changed = false;
            for i in 0..self.collectors.len() {
                changed |= self.run_collector(i)?;
            }
            changed |= self.evaluate_definitions()?;
            let after = (self.resources.len(), self.resources.iter().filter(|r| !r.virtual_).count());
            if !changed && before == after {
                return Ok(());
            }
            rounds += 1;
            if rounds > 1000 {
                return Err(Box::new(crate::error::CompileError::new(
                    "Somehow looped more than 1000 times while evaluating host catalog",
                )));
            }
        }
    }

    fn run_collector(&mut self, i: usize) -> R<bool> {
        let type_name = self.collectors[i].type_name.clone();
        let query = self.collectors[i].query.clone();
        let scope = self.collectors[i].scope;
        let file = self.collectors[i].file.clone();
        let saved = std::mem::replace(&mut self.file, file);
        let result = (|| {
            let mut changed = false;
            for idx in 0..self.resources.len() {
                if self.resources[idx].type_name != type_name
                    || self.resources[idx].exported
                    || self.collectors[i].done.contains(&idx)
                {
                    continue;
                }
                let hit = match &query {
                    Some(q) => self.query_matches(q, idx, scope)?,
                    None => true,
                };
                if !hit {
                    continue;
                }
                self.collectors[i].done.insert(idx);
                self.realize(idx);
                let attrs = self.collectors[i].attrs.clone();
                if !attrs.is_empty() {
                    let target = Value::Resource {
                        type_name: type_name.clone(),
                        title: self.resources[idx].title.clone(),
                    };
                    self.resource_override(target, &attrs, scope, Span::default(), true)?;
                }
                changed = true;
            }
            Ok(changed)
        })();
        self.file = saved;
        result
    }

    /// Evaluates a collector query against one resource: `attr == v`, `attr != v`, `and`, `or`,
    /// parentheses; array-valued attributes match when any element does; `tag` matches tags.
    fn query_matches(&mut self, q: &Expr, idx: usize, scope: ScopeId) -> R<bool> {
        match &q.kind {
            ExprKind::Paren(inner) => self.query_matches(inner, idx, scope),
            ExprKind::Binary(BinOp::And, l, r) => {
                Ok(self.query_matches(l, idx, scope)? && self.query_matches(r, idx, scope)?)
            }
            ExprKind::Binary(BinOp::Or, l, r) => {
                Ok(self.query_matches(l, idx, scope)? || self.query_matches(r, idx, scope)?)
            }
            ExprKind::Binary(op @ (BinOp::Eq | BinOp::Ne), l, r) => {
                let attr = match &l.kind {
                    ExprKind::BareWord(n) => n.clone(),
                    ExprKind::Str(n) => n.clone(),
                    _ => return Err(self.err(l.span, "Illegal attribute name in query")),
                };
                let want = self.eval(r, scope)?;
                let res = &self.resources[idx];
                let have: Vec<Value> = match attr.as_str() {
                    "tag" => res.tags.iter().map(|t| Value::Str(t.clone())).collect(),
                    "title" => vec![Value::Str(res.title.clone())],
                    _ => match res.params.get(&attr) {
                        Some(Value::Array(a)) => a.clone(),
                        Some(v) => vec![v.clone()],
                        None => vec![],
                    },
                };
                let found = have.iter().any(|h| match (h, &want) {
                    (Value::Str(a), Value::Str(b)) if attr == "tag" => a.eq_ignore_ascii_case(b),
                    (Value::Str(a), Value::Str(b)) => a == b,
                    _ => puppet_eq(h, &want),
                });
                Ok(if *op == BinOp::Eq { found } else { !found })
            }
            _ => Err(self.err(q.span, "Illegal query expression")),
        }
    }
}
