//! `package`: install, update, uninstall, purge and status of a package, through the agent's
//! package provider (apt and dpkg, dnf, yum and rpm).

use super::{out, ral, status, Action, Agent, Ddl, Input, RpcReply, RpcRequest};
use crate::node::NodeContext;

pub struct Package {
    ddl: Ddl,
}

const NAME: &str = r"^[a-zA-Z\-_\d\.\+]+$";

impl Package {
    pub fn new() -> Package {
        let action = |name, description| Action {
            name,
            description,
            inputs: vec![
                Input::string("package", "Package name", NAME, false),
                Input::string("version", "Version to install", r"^[\w\.\-:\+~]+$", true),
                Input::string(
                    "source",
                    "A package file to install from (dpkg, rpm)",
                    r"^/[\w\.\-/\+~]+$",
                    true,
                ),
                Input::string("provider", "The package provider", r"^\w+$", true),
            ],
            outputs: vec![
                out("ensure", "The state of the package after the action", "Ensure"),
                out("name", "The package name", "Name"),
                out("provider", "The provider used", "Provider"),
                out("output", "Output from the package manager", "Output"),
            ],
            summarize: &["ensure"],
        };
        Package {
            ddl: Ddl {
                name: "package",
                description: "Install, update, uninstall and purge software packages",
                author: "Bunraku",
                license: "Apache-2.0",
                version: env!("CARGO_PKG_VERSION"),
                url: "https://github.com/bunraku",
                timeout: 180,
                actions: vec![
                    action("install", "Install a package"),
                    action("update", "Update a package to the latest version"),
                    action("uninstall", "Uninstall a package"),
                    action("purge", "Purge a package and its configuration"),
                    action("status", "Get the status of a package"),
                ],
            },
        }
    }
}

impl Default for Package {
    fn default() -> Self {
        Self::new()
    }
}

impl Agent for Package {
    fn ddl(&self) -> &Ddl {
        &self.ddl
    }

    fn call(&self, _node: &NodeContext, req: &RpcRequest) -> RpcReply {
        let mut r = RpcReply::default();
        let name = req.string("package").unwrap_or_default();
        let version = req.string("version");
        let source = req.string("source");
        let mut provider = req.string("provider");
        if source.is_some() && provider.is_none() {
            provider = Some("dpkg".into());
        }
        let mut extra: Vec<(&str, &str)> = Vec::new();
        if let Some(s) = source.as_deref() {
            extra.push(("source", s));
        }
        if let Some(p) = provider.as_deref() {
            extra.push(("provider", p));
        }
        let ensure = match req.action.as_str() {
            "install" => Some(version.as_deref().unwrap_or("present")),
            "update" => Some("latest"),
            "uninstall" => Some("absent"),
            "purge" => Some("purged"),
            "status" => None,
            other => {
                r.fail(format!("Unknown action '{other}' for agent 'package'"), status::UNKNOWN_ACTION);
                return r;
            }
        };
        if let Some(ensure) = ensure {
            let mut params = vec![("ensure", ensure)];
            params.extend_from_slice(&extra);
            match ral::apply("Package", &name, &params, false) {
                Ok(changes) => {
                    let text: Vec<String> = changes.iter().map(|c| c.message.clone()).collect();
                    r.set("output", text.join("\n").as_str());
                }
                Err(e) => r.fail(format!("Could not {} package '{name}': {e}", req.action), status::ABORTED),
            }
        }
        // The state now: a no-op purge would change it from what it is.
        let status_extra: Vec<(&str, &str)> =
            extra.iter().filter(|(k, _)| *k == "provider").copied().collect();
        match ral::current("Package", &name, "ensure", "purged", &status_extra) {
            Ok(state) => r.set("ensure", state.as_str()),
            Err(e) if r.statuscode == status::OK => {
                r.fail(format!("Could not get the status of package '{name}': {e}"), status::ABORTED)
            }
            Err(_) => {}
        }
        r.set("name", name.as_str());
        r.set("provider", provider.unwrap_or_else(|| "apt".into()).as_str());
        r
    }
}
