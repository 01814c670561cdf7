//! Facts as the agent sends them with its catalog request (schema `facts.json`).

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use crate::Value;

/// A node's facts: `{"name", "values", "timestamp", "expiration"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Facts {
    pub name: String,
    pub values: IndexMap<String, Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiration: Option<String>,
}

impl Facts {
    /// Facts for `name` with the given values, stamped now and valid for 30 minutes as Puppet's are.
    pub fn new(name: impl Into<String>, values: IndexMap<String, Value>) -> Self {
        let now = chrono::Utc::now();
        Facts {
            name: name.into(),
            values,
            timestamp: Some(crate::time::puppet_time(now)),
            expiration: Some(crate::time::puppet_time(now + chrono::Duration::minutes(30))),
        }
    }
}
