//! The agents a server answers, each described by a DDL as MCollective's are: its actions, their
//! inputs (type, validation, optional) and outputs, checked before the action runs so every agent
//! refuses bad input the same way.

pub mod package;
pub mod puppet;
pub mod ral;
pub mod rpcutil;
pub mod service;

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::node::NodeContext;
use crate::rvalue::RValue;

/// MCollective's RPC status codes.
pub mod status {
    pub const OK: i64 = 0;
    pub const ABORTED: i64 = 1;
    pub const UNKNOWN_ACTION: i64 = 2;
    pub const MISSING_DATA: i64 = 3;
    pub const INVALID_DATA: i64 = 4;
    pub const UNKNOWN_ERROR: i64 = 5;
}

/// An input's type, as a DDL declares it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum InputType {
    String,
    Integer,
    Number,
    Boolean,
    List,
    Any,
}

#[derive(Debug, Clone)]
pub struct Input {
    pub name: &'static str,
    pub description: &'static str,
    pub kind: InputType,
    /// A regex the value must match, or `shellsafe` (no shell metacharacters).
    pub validation: Option<&'static str>,
    pub optional: bool,
    pub maxlength: usize,
    /// For `List` inputs: the allowed values.
    pub list: &'static [&'static str],
}

impl Input {
    pub const fn string(
        name: &'static str,
        description: &'static str,
        validation: &'static str,
        optional: bool,
    ) -> Input {
        Input {
            name,
            description,
            kind: InputType::String,
            validation: Some(validation),
            optional,
            maxlength: 256,
            list: &[],
        }
    }
    pub const fn boolean(name: &'static str, description: &'static str) -> Input {
        Input {
            name,
            description,
            kind: InputType::Boolean,
            validation: None,
            optional: true,
            maxlength: 0,
            list: &[],
        }
    }
    pub const fn integer(name: &'static str, description: &'static str) -> Input {
        Input {
            name,
            description,
            kind: InputType::Integer,
            validation: None,
            optional: true,
            maxlength: 0,
            list: &[],
        }
    }
}

#[derive(Debug, Clone)]
pub struct Output {
    pub name: &'static str,
    pub description: &'static str,
    pub display_as: &'static str,
}

pub const fn out(name: &'static str, description: &'static str, display_as: &'static str) -> Output {
    Output { name, description, display_as }
}

#[derive(Debug, Clone)]
pub struct Action {
    pub name: &'static str,
    pub description: &'static str,
    pub inputs: Vec<Input>,
    pub outputs: Vec<Output>,
    /// Outputs the client summarises over all replies (MCollective's `summarize { aggregate summary(:x) }`).
    pub summarize: &'static [&'static str],
}

/// An agent's metadata and actions.
#[derive(Debug, Clone)]
pub struct Ddl {
    pub name: &'static str,
    pub description: &'static str,
    pub author: &'static str,
    pub license: &'static str,
    pub version: &'static str,
    pub url: &'static str,
    pub timeout: i64,
    pub actions: Vec<Action>,
}

impl Ddl {
    pub fn action(&self, name: &str) -> Option<&Action> {
        self.actions.iter().find(|a| a.name == name)
    }

    /// `DDL#validate_rpc_request`: required inputs present, each of the declared type, matching its
    /// validation. Returns the status code and message MCollective would.
    pub fn validate(&self, action: &str, data: &RValue) -> Result<(), (i64, String)> {
        let Some(act) = self.action(action) else {
            return Err((
                status::UNKNOWN_ACTION,
                format!("Unknown action '{action}' for agent '{}'", self.name),
            ));
        };
        for input in &act.inputs {
            let value = data.field(input.name);
            let Some(value) = value.filter(|v| !matches!(v, RValue::Nil)) else {
                if input.optional {
                    continue;
                }
                return Err((
                    status::MISSING_DATA,
                    format!("Action {action} needs a {} argument", input.name),
                ));
            };
            let invalid = |why: String| {
                Err((status::INVALID_DATA, format!("Cannot validate input {}: {why}", input.name)))
            };
            match input.kind {
                InputType::String => {
                    let Some(s) = value.as_str() else { return invalid("value should be a string".into()) };
                    if input.maxlength > 0 && s.chars().count() > input.maxlength {
                        return invalid(format!(
                            "Input string is longer than {} character(s)",
                            input.maxlength
                        ));
                    }
                    match input.validation {
                        Some("shellsafe") => {
                            if let Some(c) = s.chars().find(|c| "`$;|&><".contains(*c)) {
                                return invalid(format!("value should not have {c} in it"));
                            }
                        }
                        Some(re) if !regex::Regex::new(re).map(|r| r.is_match(s)).unwrap_or(false) => {
                            return invalid(format!("value should match {re}"));
                        }
                        _ => {}
                    }
                }
                InputType::Integer => {
                    if !matches!(value, RValue::Int(_))
                        && value.as_str().and_then(|s| s.parse::<i64>().ok()).is_none()
                    {
                        return invalid("value should be an integer".into());
                    }
                }
                InputType::Number => {
                    if !matches!(value, RValue::Int(_) | RValue::Float(_))
                        && value.as_str().and_then(|s| s.parse::<f64>().ok()).is_none()
                    {
                        return invalid("value should be a number".into());
                    }
                }
                InputType::Boolean => {
                    let ok = matches!(value, RValue::Bool(_))
                        || value
                            .as_str()
                            .is_some_and(|s| matches!(s, "true" | "false" | "yes" | "no" | "1" | "0"));
                    if !ok {
                        return invalid("value should be a boolean".into());
                    }
                }
                InputType::List => {
                    let s = value.display();
                    if !input.list.contains(&s.as_str()) {
                        return invalid(format!("value should be one of {}", input.list.join(", ")));
                    }
                }
                InputType::Any => {}
            }
        }
        Ok(())
    }

    /// The agent's metadata as `rpcutil agent_inventory` reports it.
    pub fn meta(&self) -> RValue {
        let s = |k: &str, v: &str| (RValue::sym(k), RValue::str(v));
        RValue::Hash(vec![
            s("agent", self.name),
            s("license", self.license),
            (RValue::sym("timeout"), RValue::Int(self.timeout)),
            s("description", self.description),
            s("name", self.name),
            s("url", self.url),
            s("version", self.version),
            s("author", self.author),
        ])
    }
}

/// A request as an agent sees it.
#[derive(Debug, Clone)]
pub struct RpcRequest {
    pub agent: String,
    pub action: String,
    pub data: RValue,
    pub caller: String,
    pub sender: String,
    pub requestid: String,
}

impl RpcRequest {
    pub fn string(&self, name: &str) -> Option<String> {
        self.data.field(name).filter(|v| !matches!(v, RValue::Nil)).map(RValue::display)
    }

    pub fn boolean(&self, name: &str) -> Option<bool> {
        match self.data.field(name)? {
            RValue::Bool(b) => Some(*b),
            RValue::Nil => None,
            v => Some(matches!(v.display().as_str(), "true" | "yes" | "1")),
        }
    }

    pub fn integer(&self, name: &str) -> Option<i64> {
        self.data.field(name).and_then(RValue::as_i64)
    }
}

/// An action's answer.
#[derive(Debug, Clone)]
pub struct RpcReply {
    pub statuscode: i64,
    pub statusmsg: String,
    /// Output values by name (symbols on the wire, as MCollective's agents reply).
    pub data: BTreeMap<String, RValue>,
    order: Vec<String>,
}

impl Default for RpcReply {
    fn default() -> Self {
        RpcReply { statuscode: status::OK, statusmsg: "OK".into(), data: BTreeMap::new(), order: Vec::new() }
    }
}

impl RpcReply {
    pub fn set(&mut self, key: &str, value: impl Into<RValue>) {
        if !self.data.contains_key(key) {
            self.order.push(key.to_string());
        }
        self.data.insert(key.to_string(), value.into());
    }

    /// `reply.fail!`: an aborted action with a message.
    pub fn fail(&mut self, message: impl Into<String>, code: i64) {
        self.statuscode = code;
        self.statusmsg = message.into();
    }

    pub fn failed(message: impl Into<String>, code: i64) -> RpcReply {
        let mut r = RpcReply::default();
        r.fail(message, code);
        r
    }

    pub fn data_rvalue(&self) -> RValue {
        RValue::Hash(self.order.iter().map(|k| (RValue::sym(k), self.data[k].clone())).collect())
    }
}

impl From<serde_json::Value> for RValue {
    fn from(v: serde_json::Value) -> RValue {
        RValue::from_json(&v)
    }
}

impl From<Vec<String>> for RValue {
    fn from(v: Vec<String>) -> RValue {
        RValue::Array(v.into_iter().map(RValue::Str).collect())
    }
}

/// An agent: its DDL and its actions. Actions run on a blocking thread (they may start
/// processes), one request at a time per call.
pub trait Agent: Send + Sync {
    fn ddl(&self) -> &Ddl;
    fn call(&self, node: &NodeContext, req: &RpcRequest) -> RpcReply;
}

/// The agents a server offers.
#[derive(Clone, Default)]
pub struct Registry {
    agents: Vec<Arc<dyn Agent>>,
}

impl Registry {
    /// rpcutil, puppet, service and package: what `bunraku agent` serves.
    pub fn standard() -> Registry {
        Registry {
            agents: vec![
                Arc::new(rpcutil::Rpcutil::new()),
                Arc::new(puppet::Puppet::new()),
                Arc::new(service::Service::new()),
                Arc::new(package::Package::new()),
            ],
        }
    }

    pub fn only(agents: Vec<Arc<dyn Agent>>) -> Registry {
        Registry { agents }
    }

    pub fn get(&self, name: &str) -> Option<&Arc<dyn Agent>> {
        self.agents.iter().find(|a| a.ddl().name == name)
    }

    /// Agent names as `Agents.agentlist`: ours plus `discovery`.
    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.agents.iter().map(|a| a.ddl().name.to_string()).collect();
        names.push("discovery".into());
        names.sort();
        names
    }

    pub fn all(&self) -> &[Arc<dyn Agent>] {
        &self.agents
    }
}
