//! Facts about the machine the agent runs on, named and shaped as facter 4 names and shapes them.

use bunraku_model::Value;
use indexmap::IndexMap;

/// Resolves the core facts of this machine.
pub fn resolve() -> IndexMap<String, Value> {
    todo!()
}
