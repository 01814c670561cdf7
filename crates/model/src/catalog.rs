//! The catalog: what the master compiles and the agent applies (catalog format 2, `catalog.json`).

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use crate::{ResourceRef, Value};

/// A compiled catalog exactly as Puppet 7 serialises it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Catalog {
    pub tags: Vec<String>,
    pub name: String,
    /// The configuration version: compile time in epoch seconds, or `config_version`'s output.
    pub version: Value,
    pub code_id: Option<String>,
    pub catalog_uuid: String,
    pub catalog_format: u32,
    pub environment: String,
    pub resources: Vec<Resource>,
    pub edges: Vec<Edge>,
    pub classes: Vec<String>,
}

/// What a catalog resource is, which decides whether a format-2 agent applies it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResourceKind {
    /// A real resource type with providers (`File`, `Package`, …) and `Stage`.
    CompilableType,
    /// A declared class.
    Class,
    /// An instance of a defined type.
    DefinedType,
    /// `Class[main]`, `Class[Settings]`, `Node[...]`.
    Unknown,
}

/// One resource in a catalog.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Resource {
    #[serde(rename = "type")]
    pub type_name: String,
    pub title: String,
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    #[serde(default)]
    pub exported: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<ResourceKind>,
    #[serde(default, skip_serializing_if = "IndexMap::is_empty", serialize_with = "crate::deep::parameters")]
    pub parameters: IndexMap<String, Value>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sensitive_parameters: Vec<String>,
}

impl Resource {
    /// This resource's `Type[title]` reference.
    pub fn reference(&self) -> ResourceRef {
        ResourceRef { type_name: self.type_name.clone(), title: self.title.clone() }
    }

    /// A parameter's value, if set.
    pub fn param(&self, name: &str) -> Option<&Value> {
        self.parameters.get(name)
    }

    /// A parameter as a string, for the many parameters that are strings or numbers.
    pub fn param_str(&self, name: &str) -> Option<String> {
        match self.parameters.get(name)? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// Whether the agent should apply this resource itself (as opposed to a container such as a class).
    pub fn is_applicable(&self, catalog_format: u32) -> bool {
        if self.type_name == "Class" || self.type_name == "Stage" || self.type_name == "Node" {
            return false;
        }
        match self.kind {
            Some(kind) if catalog_format >= 2 => kind == ResourceKind::CompilableType,
            _ => true,
        }
    }

    /// The references listed in a relationship metaparameter (`before`, `require`, `notify`, `subscribe`).
    pub fn relationship(&self, name: &str) -> Vec<ResourceRef> {
        fn collect(v: &Value, out: &mut Vec<ResourceRef>) {
            match v {
                Value::String(s) => {
                    if let Ok(r) = s.parse() {
                        out.push(r)
                    }
                }
                Value::Array(items) => items.iter().for_each(|i| collect(i, out)),
                _ => {}
            }
        }
        let mut out = Vec::new();
        if let Some(v) = self.parameters.get(name) {
            collect(v, &mut out);
        }
        out
    }
}

/// A containment edge: `source` contains `target`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Edge {
    pub source: String,
    pub target: String,
}

impl Catalog {
    /// Reads a catalog from Puppet's JSON.
    pub fn from_json(text: &str) -> Result<Catalog, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// Writes the catalog as Puppet's JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a catalog always serialises")
    }

    /// Finds a resource by reference.
    pub fn resource(&self, r: &ResourceRef) -> Option<&Resource> {
        self.resources.iter().find(|res| res.type_name == r.type_name && res.title == r.title)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A catalog as puppetserver 7 sends it must read and write back without losing anything.
    #[test]
    fn round_trips_puppet_json() {
        let text = r#"{"tags":["settings","nginx"],"name":"node2.example.com","version":1700000000,"code_id":null,"catalog_uuid":"0b1c","catalog_format":2,"environment":"production","resources":[{"type":"Stage","title":"main","tags":["stage"],"exported":false,"kind":"compilable_type","parameters":{"name":"main"}},{"type":"Package","title":"nginx","tags":["package","nginx","class"],"file":"/e/modules/nginx/manifests/init.pp","line":2,"exported":false,"kind":"compilable_type","parameters":{"ensure":"installed","before":["File[/x]"]}}],"edges":[{"source":"Stage[main]","target":"Class[Nginx]"}],"classes":["settings","nginx"]}"#;
        let cat = Catalog::from_json(text).unwrap();
        assert_eq!(cat.resources[1].kind, Some(ResourceKind::CompilableType));
        assert_eq!(cat.resources[1].relationship("before")[0].to_string(), "File[/x]");
        let again: serde_json::Value = serde_json::from_str(&cat.to_json()).unwrap();
        let orig: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(again, orig);
        assert!(cat.resources[1].is_applicable(2));
        assert!(!cat.resources[0].is_applicable(2));
    }
}
