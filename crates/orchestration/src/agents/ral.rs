//! Acting on one resource through the agent's providers, as MCollective's service and package
//! agents went through Puppet's RAL: the same code that applies catalogs starts services and
//! installs packages here, so what `mco service` does is what a catalog would.
//!
//! A provider reports a change with the value it found, so reading a resource's current state is
//! a no-op apply towards the opposite state: the change it would make names the current value.

use bunraku_agent::providers::{self, Change, ChangeStatus, Context, Kind};
use bunraku_model::{Resource, Value};
use indexmap::IndexMap;

struct NoSources;

impl bunraku_agent::FileSource for NoSources {
    fn metadata(&self, source: &str) -> Result<bunraku_model::FileMetadata, String> {
        Err(format!("{source}: no file sources here"))
    }
    fn content(&self, source: &str) -> Result<Vec<u8>, String> {
        Err(format!("{source}: no file sources here"))
    }
}

/// Applies `Type[title]` with `params`; the changes made (or, with `noop`, that would be made).
pub fn apply(
    type_name: &str,
    title: &str,
    params: &[(&str, &str)],
    noop: bool,
) -> Result<Vec<Change>, String> {
    let kind = Kind::of(type_name)?;
    let res = resource(type_name, title, params);
    let sources = NoSources;
    let mut ctx = Context::new(noop, false, &sources);
    providers::apply(kind, &res, &mut ctx).map_err(|e| e.0)?;
    failed(&ctx.changes)?;
    Ok(ctx.changes)
}

/// Refreshes `Type[title]` (a service restart).
pub fn refresh(type_name: &str, title: &str, params: &[(&str, &str)]) -> Result<(), String> {
    let kind = Kind::of(type_name)?;
    let res = resource(type_name, title, params);
    let sources = NoSources;
    let mut ctx = Context::new(false, false, &sources);
    providers::refresh(kind, &res, &mut ctx).map_err(|e| e.0)
}

fn resource(type_name: &str, title: &str, params: &[(&str, &str)]) -> Resource {
    let mut parameters = IndexMap::new();
    for (k, v) in params {
        parameters.insert(k.to_string(), Value::String(v.to_string()));
    }
    Resource {
        type_name: type_name.to_string(),
        title: title.to_string(),
        tags: vec![type_name.to_lowercase()],
        file: None,
        line: None,
        exported: false,
        kind: None,
        parameters,
        sensitive_parameters: Vec::new(),
    }
}

fn failed(changes: &[Change]) -> Result<(), String> {
    match changes.iter().find(|c| c.status == ChangeStatus::Failure) {
        Some(c) => Err(c.message.clone()),
        None => Ok(()),
    }
}

/// The value a property has now: the `previous` of the change a no-op apply towards `opposite`
/// would make, or `opposite` itself when nothing would change.
pub fn current(
    type_name: &str,
    title: &str,
    property: &str,
    opposite: &str,
    extra: &[(&str, &str)],
) -> Result<String, String> {
    let mut params = vec![(property, opposite)];
    params.extend_from_slice(extra);
    let changes = apply(type_name, title, &params, true)?;
    Ok(changes
        .iter()
        .find(|c| c.property == property)
        .map(|c| match &c.previous {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .unwrap_or_else(|| opposite.to_string()))
}
