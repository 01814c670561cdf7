//! `puppet`: start runs, report the agent's state and last run, enable and disable it, as the
//! MCollective puppet agent plugin did (the actions `mco puppet` drives).

use std::path::Path;

use bunraku_agent::lock;

use super::{out, status, Action, Agent, Ddl, Input, InputType, RpcReply, RpcRequest};
use crate::node::{NodeContext, RunOptions};
use crate::rvalue::RValue;

pub struct Puppet {
    ddl: Ddl,
}

const SUMMARY_OUTPUTS: &[(&str, &str)] = &[
    ("out_of_sync_resources", "Resources that were not in desired state"),
    ("failed_resources", "Resources that failed to apply"),
    ("corrected_resources", "Resources that were correctively changed"),
    ("changed_resources", "Resources that were changed"),
    ("total_resources", "Total resources managed on a node"),
    ("config_retrieval_time", "Time taken to retrieve the catalog from the master"),
    ("config_version", "Puppet config version for the previously applied catalog"),
    ("lastrun", "When the Agent last applied a catalog in local time"),
    ("since_lastrun", "How long ago did the Agent last apply a catalog in local time"),
    ("total_time", "Total time taken to retrieve and process the catalog"),
    ("type_distribution", "Resource counts per type managed by Puppet"),
    ("summary", "Summary data as provided by Puppet"),
];

impl Puppet {
    pub fn new() -> Puppet {
        let status_outputs = vec![
            out("applying", "Is a catalog being applied", "Applying"),
            out("idling", "Is the Puppet agent daemon running but not doing any work", "Idling"),
            out("enabled", "Is the agent currently locked", "Enabled"),
            out("daemon_present", "Is the Puppet agent daemon running on this system", "Daemon Running"),
            out("lastrun", "When the Agent last applied a catalog in local time", "Last Run"),
            out(
                "since_lastrun",
                "How long ago did the Agent last apply a catalog in local time",
                "Since Last Run",
            ),
            out("status", "Current status of the Puppet agent", "Status"),
            out("disable_message", "Message supplied when agent was disabled", "Lock Message"),
            out("message", "Descriptive message defining the overall agent status", "Message"),
        ];
        let word = r"^[\w\-\.:/]+$";
        Puppet {
            ddl: Ddl {
                name: "puppet",
                description: "Run Puppet agent, get its status, and enable/disable it",
                author: "Bunraku",
                license: "Apache-2.0",
                version: env!("CARGO_PKG_VERSION"),
                url: "https://github.com/bunraku",
                timeout: 20,
                actions: vec![
                    Action {
                        name: "runonce",
                        description: "Invoke a single Puppet run",
                        inputs: vec![
                            Input::boolean(
                                "force",
                                "Will force a run immediately else is subject to default splay time",
                            ),
                            Input::boolean("noop", "Do a Puppet dry run"),
                            Input::boolean("splay", "Sleep for a period before initiating the run"),
                            Input::integer("splaylimit", "Maximum amount of time to sleep before run"),
                            Input::string(
                                "environment",
                                "Which Puppet environment to run",
                                r"^[a-z][a-z0-9_]*$",
                                true,
                            ),
                            Input::string(
                                "tags",
                                "Restrict the Puppet run to a comma list of tags",
                                r"^([\w:\-]+,?)+$",
                                true,
                            ),
                            Input::string(
                                "server",
                                "Address and port of the Puppet Master in server:port format",
                                word,
                                true,
                            ),
                            Input::boolean("ignoreschedules", "Disable schedule processing"),
                        ],
                        outputs: vec![
                            out("summary", "Summary of command run", "Summary"),
                            out(
                                "initiated_at",
                                "Timestamp of when the runonce command was issued",
                                "Initiated at",
                            ),
                        ],
                        summarize: &[],
                    },
                    Action {
                        name: "status",
                        description: "Get the current status of the Puppet agent",
                        inputs: vec![],
                        outputs: status_outputs,
                        summarize: &["enabled", "applying", "daemon_present", "idling"],
                    },
                    Action {
                        name: "last_run_summary",
                        description: "Get the summary of the last Puppet run",
                        inputs: vec![Input {
                            name: "parse_log_level",
                            description: "unused",
                            kind: InputType::Any,
                            validation: None,
                            optional: true,
                            maxlength: 0,
                            list: &[],
                        }],
                        outputs: SUMMARY_OUTPUTS.iter().map(|(n, d)| out(n, d, n)).collect(),
                        summarize: &["config_version"],
                    },
                    Action {
                        name: "enable",
                        description: "Enable the Puppet agent",
                        inputs: vec![],
                        outputs: vec![
                            out("status", "Summary of the command", "Status"),
                            out("enabled", "Is the agent enabled", "Enabled"),
                        ],
                        summarize: &[],
                    },
                    Action {
                        name: "disable",
                        description: "Disable the Puppet agent",
                        inputs: vec![Input::string(
                            "message",
                            "Supply a reason for disabling the Puppet agent",
                            r"^.+$",
                            true,
                        )],
                        outputs: vec![
                            out("status", "Summary of the command", "Status"),
                            out("enabled", "Is the agent enabled", "Enabled"),
                        ],
                        summarize: &[],
                    },
                ],
            },
        }
    }
}

impl Default for Puppet {
    fn default() -> Self {
        Self::new()
    }
}

/// The agent's last run summary (`last_run_summary.yaml`) as JSON, or an empty object.
pub fn read_summary(path: &Path) -> serde_json::Value {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|t| serde_yaml_ng::from_str::<serde_json::Value>(&t).ok())
        .unwrap_or_else(|| serde_json::json!({}))
}

impl Agent for Puppet {
    fn ddl(&self) -> &Ddl {
        &self.ddl
    }

    fn call(&self, node: &NodeContext, req: &RpcRequest) -> RpcReply {
        let Some(hooks) = node.puppet.as_ref() else {
            return RpcReply::failed("this server has no Puppet agent configured", status::ABORTED);
        };
        let mut r = RpcReply::default();
        let now = chrono::Utc::now().timestamp();
        let summary = read_summary(&hooks.lastrunfile);
        let lastrun = summary.pointer("/time/last_run").and_then(|v| v.as_i64()).unwrap_or(0);
        let disabled = lock::disabled_reason(&hooks.disabled_lockfile);
        let applying = lock::holder(&hooks.lockfile).is_some();
        match req.action.as_str() {
            "runonce" => {
                if let Some(reason) = &disabled {
                    r.fail(format!("Puppet is disabled: '{reason}'"), status::ABORTED);
                    return r;
                }
                if applying {
                    r.fail("Puppet is currently applying a catalog, cannot run now", status::ABORTED);
                    return r;
                }
                let force = req.boolean("force").unwrap_or(false);
                let splay = req.boolean("splay").unwrap_or(!force);
                let opts = RunOptions {
                    noop: req.boolean("noop"),
                    tags: req
                        .string("tags")
                        .map(|t| t.split(',').map(str::to_string).collect())
                        .unwrap_or_default(),
                    environment: req.string("environment"),
                    splaylimit: if splay && !force {
                        req.integer("splaylimit").map(|s| s.max(0) as u64)
                    } else {
                        None
                    },
                    requester: req.caller.clone(),
                };
                match (hooks.runner)(opts) {
                    Ok(message) => {
                        r.set("summary", message.as_str());
                        r.set("initiated_at", now);
                    }
                    Err(e) => r.fail(e, status::ABORTED),
                }
            }
            "status" => {
                let daemon_present =
                    hooks.in_daemon || hooks.pidfile.as_deref().and_then(lock::holder).is_some();
                let status_word = if disabled.is_some() {
                    "disabled"
                } else if applying {
                    "applying a catalog"
                } else if daemon_present {
                    "idling"
                } else {
                    "stopped"
                };
                r.set("applying", applying);
                r.set("idling", daemon_present && !applying);
                r.set("enabled", disabled.is_none());
                r.set("daemon_present", daemon_present);
                r.set("lastrun", lastrun);
                r.set("since_lastrun", if lastrun > 0 { now - lastrun } else { 0 });
                r.set("status", status_word);
                r.set("disable_message", disabled.clone().unwrap_or_default().as_str());
                let message = if lastrun > 0 {
                    format!("Currently {status_word}; last completed run {} seconds ago", now - lastrun)
                } else {
                    format!("Currently {status_word}; never run")
                };
                r.set("message", message.as_str());
            }
            "last_run_summary" => {
                let n = |p: &str| summary.pointer(p).and_then(|v| v.as_i64()).unwrap_or(0);
                let f = |p: &str| summary.pointer(p).and_then(|v| v.as_f64()).unwrap_or(0.0);
                r.set("out_of_sync_resources", n("/resources/out_of_sync"));
                r.set("failed_resources", n("/resources/failed"));
                r.set("corrected_resources", n("/resources/corrective_change"));
                r.set("changed_resources", n("/resources/changed"));
                r.set("total_resources", n("/resources/total"));
                r.set("config_retrieval_time", RValue::Float(f("/time/config_retrieval")));
                r.set("total_time", RValue::Float(f("/time/total")));
                r.set("lastrun", lastrun);
                r.set("since_lastrun", if lastrun > 0 { now - lastrun } else { 0 });
                let version = summary.pointer("/version/config").cloned().unwrap_or(serde_json::Value::Null);
                r.set(
                    "config_version",
                    match version {
                        serde_json::Value::Null => RValue::Nil,
                        serde_json::Value::String(s) => RValue::Str(s),
                        other => RValue::Str(other.to_string()),
                    },
                );
                // Counted from the catalog the agent applied (Puppet's summary has no per-type counts).
                let types =
                    node.catalog().types.iter().map(|(t, n)| (RValue::str(t), RValue::Int(*n))).collect();
                let types = RValue::Hash(types);
                r.set("type_distribution", types);
                r.set("summary", RValue::from_json(&summary));
            }
            "enable" => {
                if disabled.is_none() {
                    r.fail("Could not enable Puppet: Already enabled", status::ABORTED);
                    return r;
                }
                match lock::enable(&hooks.disabled_lockfile) {
                    Ok(()) => {
                        r.set("status", "Successfully enabled the Puppet agent");
                        r.set("enabled", true);
                    }
                    Err(e) => r.fail(format!("Could not enable Puppet: {e}"), status::ABORTED),
                }
            }
            "disable" => {
                if let Some(reason) = &disabled {
                    r.fail(format!("Could not disable Puppet: Already disabled: {reason}"), status::ABORTED);
                    return r;
                }
                let message = req.string("message").unwrap_or_else(|| {
                    format!(
                        "Disabled via MCollective by {} at {}",
                        req.caller,
                        chrono::Utc::now().format("%F %R")
                    )
                });
                if let Some(dir) = hooks.disabled_lockfile.parent() {
                    let _ = std::fs::create_dir_all(dir);
                }
                match lock::disable(&hooks.disabled_lockfile, Some(&message)) {
                    Ok(()) => {
                        r.set("status", format!("Successfully locked the Puppet agent: {message}").as_str());
                        r.set("enabled", false);
                    }
                    Err(e) => r.fail(format!("Could not disable Puppet: {e}"), status::ABORTED),
                }
            }
            other => r.fail(format!("Unknown action '{other}' for agent 'puppet'"), status::UNKNOWN_ACTION),
        }
        r
    }
}
