//! `service`: start, stop, restart and status of a service, through the agent's service provider.

use super::{out, ral, status, Action, Agent, Ddl, Input, RpcReply, RpcRequest};
use crate::node::NodeContext;

pub struct Service {
    ddl: Ddl,
}

const NAME: &str = r"^[a-zA-Z\.\-_\d@:]+$";

impl Service {
    pub fn new() -> Service {
        let action = |name, description| Action {
            name,
            description,
            inputs: vec![
                Input::string("service", "The service name", NAME, false),
                Input::string("provider", "The service provider", r"^\w+$", true),
            ],
            outputs: vec![out("status", "The status of the service after the action", "Service Status")],
            summarize: &["status"],
        };
        Service {
            ddl: Ddl {
                name: "service",
                description: "Start and stop system services",
                author: "Bunraku",
                license: "Apache-2.0",
                version: env!("CARGO_PKG_VERSION"),
                url: "https://github.com/bunraku",
                timeout: 60,
                actions: vec![
                    action("start", "Start a service"),
                    action("stop", "Stop a service"),
                    action("restart", "Restart a service"),
                    action("status", "Gets the status of a service"),
                ],
            },
        }
    }
}

impl Default for Service {
    fn default() -> Self {
        Self::new()
    }
}

fn state(name: &str, extra: &[(&str, &str)]) -> Result<String, String> {
    ral::current("Service", name, "ensure", "stopped", extra)
}

impl Agent for Service {
    fn ddl(&self) -> &Ddl {
        &self.ddl
    }

    fn call(&self, _node: &NodeContext, req: &RpcRequest) -> RpcReply {
        let mut r = RpcReply::default();
        let name = req.string("service").unwrap_or_default();
        let provider = req.string("provider");
        let mut extra: Vec<(&str, &str)> = Vec::new();
        if let Some(p) = provider.as_deref() {
            extra.push(("provider", p));
        }
        let result = match req.action.as_str() {
            "start" | "stop" => {
                let want = if req.action == "start" { "running" } else { "stopped" };
                let mut params = vec![("ensure", want)];
                params.extend_from_slice(&extra);
                ral::apply("Service", &name, &params, false).map(|_| ())
            }
            "restart" => {
                // A stopped service is started; a running one restarted (refresh restarts only
                // running services, as Puppet's).
                match state(&name, &extra) {
                    Ok(s) if s == "running" => ral::refresh("Service", &name, &extra),
                    Ok(_) => {
                        let mut params = vec![("ensure", "running")];
                        params.extend_from_slice(&extra);
                        ral::apply("Service", &name, &params, false).map(|_| ())
                    }
                    Err(e) => Err(e),
                }
            }
            "status" => Ok(()),
            other => {
                r.fail(format!("Unknown action '{other}' for agent 'service'"), status::UNKNOWN_ACTION);
                return r;
            }
        };
        if let Err(e) = result {
            r.fail(format!("Could not {} service '{name}': {e}", req.action), status::ABORTED);
        }
        match state(&name, &extra) {
            Ok(s) => r.set("status", s.as_str()),
            Err(e) if r.statuscode == status::OK => {
                r.fail(format!("Could not get the status of service '{name}': {e}"), status::ABORTED)
            }
            Err(_) => {}
        }
        r
    }
}
