//! `rpcutil`: what MCollective's own utility agent answers, so `mco inventory`, `mco facts` and
//! `mco rpc rpcutil …` work against a Bunraku server.

use std::sync::atomic::Ordering;

use super::{out, Action, Agent, Ddl, Input, RpcReply, RpcRequest};
use crate::node::NodeContext;
use crate::rvalue::RValue;

pub struct Rpcutil {
    ddl: Ddl,
}

impl Rpcutil {
    pub fn new() -> Rpcutil {
        let a = |name, description, inputs, outputs| Action {
            name,
            description,
            inputs,
            outputs,
            summarize: &[],
        };
        Rpcutil {
            ddl: Ddl {
                name: "rpcutil",
                description: "General helpful actions that expose stats and internals to SimpleRPC clients",
                author: "Bunraku",
                license: "Apache-2.0",
                version: env!("CARGO_PKG_VERSION"),
                url: "https://github.com/bunraku",
                timeout: 10,
                actions: vec![
                    a(
                        "inventory",
                        "System Inventory",
                        vec![],
                        vec![
                            out("agents", "List of agent names", "Agents"),
                            out("facts", "List of facts and values", "Facts"),
                            out("classes", "List of classes on the system", "Classes"),
                            out("version", "Version", "Version"),
                            out("main_collective", "The main Collective", "Main Collective"),
                            out("collectives", "All Collectives", "All Collectives"),
                            out("data_plugins", "List of data plugin names", "Data Plugins"),
                        ],
                    ),
                    a(
                        "get_fact",
                        "Retrieve a single fact from the fact store",
                        vec![Input::string("fact", "The fact to retrieve", r"^[\w\-\.]+$", false)],
                        vec![
                            out("fact", "The name of the fact being returned", "Fact"),
                            out("value", "The value of the fact", "Value"),
                        ],
                    ),
                    a(
                        "get_facts",
                        "Retrieve multiple facts from the fact store",
                        vec![Input::string(
                            "facts",
                            "Facts to retrieve",
                            r"^\s*[\w\.\-]+(\s*,\s*[\w\.\-]+)*$",
                            false,
                        )],
                        vec![out("values", "List of values of the facts", "Values")],
                    ),
                    a(
                        "daemon_stats",
                        "Get statistics from the running daemon",
                        vec![],
                        [
                            "threads",
                            "agents",
                            "pid",
                            "times",
                            "configfile",
                            "version",
                            "starttime",
                            "total",
                            "validated",
                            "unvalidated",
                            "filtered",
                            "passed",
                            "replies",
                            "ttlexpired",
                        ]
                        .into_iter()
                        .map(|n| out(n, n, n))
                        .collect(),
                    ),
                    a(
                        "agent_inventory",
                        "Inventory of all agents on the server",
                        vec![],
                        vec![out("agents", "List of agents on the server", "Agents")],
                    ),
                    a(
                        "get_config_item",
                        "Get the active value of a specific config property",
                        vec![Input::string("item", "The item to retrieve from the server", r"^.+$", false)],
                        vec![
                            out("item", "The config property being retrieved", "Property"),
                            out("value", "The value that is in use", "Value"),
                        ],
                    ),
                    a(
                        "ping",
                        "Responds to requests for PING with PONG",
                        vec![],
                        vec![out("pong", "The local timestamp", "Timestamp")],
                    ),
                    a(
                        "collective_info",
                        "Info about the main and sub collectives",
                        vec![],
                        vec![
                            out("main_collective", "The main Collective", "Main Collective"),
                            out("collectives", "All Collectives", "All Collectives"),
                        ],
                    ),
                ],
            },
        }
    }
}

impl Default for Rpcutil {
    fn default() -> Self {
        Self::new()
    }
}

fn strings(v: &[String]) -> RValue {
    RValue::Array(v.iter().map(RValue::str).collect())
}

impl Agent for Rpcutil {
    fn ddl(&self) -> &Ddl {
        &self.ddl
    }

    fn call(&self, node: &NodeContext, req: &RpcRequest) -> RpcReply {
        let mut r = RpcReply::default();
        match req.action.as_str() {
            "inventory" => {
                r.set("agents", strings(&node.agents));
                let facts = node.facts();
                r.set(
                    "facts",
                    RValue::Hash(facts.iter().map(|(k, v)| (RValue::str(k), RValue::from_json(v))).collect()),
                );
                r.set("version", env!("CARGO_PKG_VERSION"));
                r.set("classes", strings(&node.classes()));
                r.set("main_collective", node.main_collective.as_str());
                r.set("collectives", strings(&node.collectives));
                r.set("data_plugins", RValue::Array(vec![]));
            }
            "get_fact" => {
                let name = req.string("fact").unwrap_or_default();
                r.set("fact", name.as_str());
                r.set("value", node.fact(&name).map(|v| RValue::from_json(&v)).unwrap_or(RValue::Nil));
            }
            "get_facts" => {
                let names = req.string("facts").unwrap_or_default();
                let values = names
                    .split(',')
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                    .map(|n| {
                        (RValue::str(n), node.fact(n).map(|v| RValue::from_json(&v)).unwrap_or(RValue::Nil))
                    })
                    .collect();
                r.set("values", RValue::Hash(values));
            }
            "daemon_stats" => {
                let s = &node.stats;
                r.set("threads", RValue::Array(vec![]));
                r.set("agents", strings(&node.agents));
                r.set("pid", std::process::id() as i64);
                r.set("times", RValue::hash());
                r.set("configfile", node.configfile.as_str());
                r.set("version", env!("CARGO_PKG_VERSION"));
                r.set("starttime", node.started);
                for (k, c) in [
                    ("total", &s.total),
                    ("validated", &s.validated),
                    ("unvalidated", &s.unvalidated),
                    ("filtered", &s.filtered),
                    ("passed", &s.passed),
                    ("replies", &s.replies),
                    ("ttlexpired", &s.ttlexpired),
                ] {
                    r.set(k, c.load(Ordering::Relaxed) as i64);
                }
            }
            "agent_inventory" => {
                // Filled in by the server, which knows every agent's DDL.
                r.set("agents", RValue::Array(vec![]));
            }
            "get_config_item" => {
                let item = req.string("item").unwrap_or_default();
                let value = match item.as_str() {
                    "identity" => RValue::str(&node.identity),
                    "main_collective" => RValue::str(&node.main_collective),
                    "collectives" => strings(&node.collectives),
                    "configfile" => RValue::str(&node.configfile),
                    _ => {
                        r.fail(format!("Unknown config property {item}"), super::status::ABORTED);
                        return r;
                    }
                };
                r.set("item", item.as_str());
                r.set("value", value);
            }
            "ping" => r.set("pong", chrono::Utc::now().timestamp()),
            "collective_info" => {
                r.set("main_collective", node.main_collective.as_str());
                r.set("collectives", strings(&node.collectives));
            }
            other => {
                r.fail(format!("Unknown action '{other}' for agent 'rpcutil'"), super::status::UNKNOWN_ACTION)
            }
        }
        r
    }
}
