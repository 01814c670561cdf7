//! The node object of `GET /puppet/v3/node/<certname>` (schema `node.json`).

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use crate::Value;

/// What the master knows of a node before compiling: its environment, classes and parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Node {
    pub name: String,
    pub environment: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub classes: Vec<String>,
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub parameters: IndexMap<String, Value>,
}
