//! Who may call what: an allow-list of callers, then per-agent policies in the format of
//! MCollective's `actionpolicy` plugin, so existing policy files keep working:
//!
//! ```text
//! policy default deny
//! allow   cert=admin      *               *               *
//! allow   cert=deployer   status restart  os.family=Debian apache
//! deny    *               stop            *               *
//! ```
//!
//! Tab- or space-separated columns: `allow`/`deny`, caller ids, actions, facts, classes (`*` for
//! any; several values separated by spaces within a tab-separated column). The first rule that
//! matches decides; otherwise the file's default (`deny` unless it says `policy default allow`). An
//! agent without a policy file uses `default.policy` when there is one, else allows.

use std::path::{Path, PathBuf};

use crate::filter::{has_fact, parse_fact, NodeView};

#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub allow: bool,
    pub callers: Vec<String>,
    pub actions: Vec<String>,
    pub facts: Vec<String>,
    pub classes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub default_allow: bool,
    pub rules: Vec<Rule>,
}

#[derive(Debug, thiserror::Error)]
#[error("{path}:{line}: {message}")]
pub struct PolicyError {
    pub path: String,
    pub line: usize,
    pub message: String,
}

impl Policy {
    pub fn parse(text: &str, path: &str) -> Result<Policy, PolicyError> {
        let mut policy = Policy { default_allow: false, rules: Vec::new() };
        for (n, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let err = |message: String| PolicyError { path: path.to_string(), line: n + 1, message };
            if let Some(rest) = line.strip_prefix("policy default") {
                policy.default_allow = match rest.trim() {
                    "allow" => true,
                    "deny" => false,
                    other => return Err(err(format!("unknown default policy {other:?}"))),
                };
                continue;
            }
            let cols: Vec<&str> = if raw.contains('\t') {
                raw.split('\t').map(str::trim).filter(|c| !c.is_empty()).collect()
            } else {
                line.split_whitespace().collect()
            };
            if cols.len() != 5 {
                return Err(err(format!(
                    "expected 5 columns (allow|deny, callers, actions, facts, classes), found {}",
                    cols.len()
                )));
            }
            let allow = match cols[0] {
                "allow" => true,
                "deny" => false,
                other => return Err(err(format!("unknown rule {other:?}"))),
            };
            let list = |c: &str| c.split_whitespace().map(str::to_string).collect::<Vec<_>>();
            for f in list(cols[3]) {
                if f != "*" {
                    parse_fact(&f).map_err(|e| err(e.to_string()))?;
                }
            }
            policy.rules.push(Rule {
                allow,
                callers: list(cols[1]),
                actions: list(cols[2]),
                facts: list(cols[3]),
                classes: list(cols[4]),
            });
        }
        Ok(policy)
    }

    /// Whether `callerid` may call `action` on a node seen as `node`.
    pub fn allows(&self, callerid: &str, action: &str, node: &NodeView) -> bool {
        let any = |v: &[String]| v.iter().any(|x| x == "*");
        for rule in &self.rules {
            let caller_ok = any(&rule.callers) || rule.callers.iter().any(|c| c == callerid);
            let action_ok = any(&rule.actions) || rule.actions.iter().any(|a| a == action);
            let facts_ok = any(&rule.facts)
                || rule.facts.iter().all(|f| {
                    parse_fact(f).map(|ff| has_fact(node, &ff.fact, &ff.value, &ff.operator)).unwrap_or(false)
                });
            let classes_ok =
                any(&rule.classes) || rule.classes.iter().all(|c| node.classes.iter().any(|k| k == c));
            if caller_ok && action_ok && facts_ok && classes_ok {
                return rule.allow;
            }
        }
        self.default_allow
    }
}

/// The policies of a server: a directory of `<agent>.policy` files, read at each request (so an
/// edit applies at once, as MCollective's plugin does).
#[derive(Debug, Clone)]
pub struct Policies {
    pub dir: Option<PathBuf>,
    /// Caller ids allowed at all (`cert=NAME`, or `/regex/`); empty allows every certificate our CA
    /// signed.
    pub allowed_callers: Vec<String>,
}

impl Policies {
    pub fn caller_allowed(&self, callerid: &str) -> bool {
        if self.allowed_callers.is_empty() {
            return true;
        }
        self.allowed_callers.iter().any(|p| {
            if let Some(re) = p.strip_prefix('/').and_then(|r| r.strip_suffix('/')) {
                regex::Regex::new(re).map(|r| r.is_match(callerid)).unwrap_or(false)
            } else {
                p == callerid || format!("cert={p}") == callerid
            }
        })
    }

    /// Decides one call. `Err` carries why a broken policy file denies everything.
    pub fn check(
        &self,
        agent: &str,
        callerid: &str,
        action: &str,
        node: &NodeView,
    ) -> Result<bool, PolicyError> {
        let Some(dir) = &self.dir else { return Ok(true) };
        for file in [format!("{agent}.policy"), "default.policy".to_string()] {
            let path: PathBuf = dir.join(&file);
            if let Ok(text) = std::fs::read_to_string(&path) {
                let policy = Policy::parse(&text, &display(&path))?;
                return Ok(policy.allows(callerid, action, node));
            }
        }
        Ok(true)
    }
}

fn display(p: &Path) -> String {
    p.display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_matching_rule_decides() {
        let text = "policy default deny\nallow\tcert=admin\t*\t*\t*\nallow\tcert=ops\tstatus restart\tos.family=Debian\tapache\ndeny\t*\tstop\t*\t*\n";
        let p = Policy::parse(text, "service.policy").unwrap();
        let mut node = NodeView::default();
        std::sync::Arc::make_mut(&mut node.facts).insert("os.family".into(), serde_json::json!("Debian"));
        node.classes = vec!["apache".into()];
        assert!(p.allows("cert=admin", "stop", &node));
        assert!(p.allows("cert=ops", "restart", &node));
        assert!(!p.allows("cert=ops", "stop", &node));
        assert!(!p.allows("cert=other", "status", &node));
        node.classes.clear();
        assert!(!p.allows("cert=ops", "restart", &node));
    }

    #[test]
    fn broken_files_name_the_line() {
        let e = Policy::parse("policy default deny\nallow cert=x\n", "p.policy").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.to_string().starts_with("p.policy:2:"));
    }

    #[test]
    fn allow_list() {
        let p = Policies { dir: None, allowed_callers: vec!["admin".into(), "/^cert=ops-/".into()] };
        assert!(p.caller_allowed("cert=admin"));
        assert!(p.caller_allowed("cert=ops-1"));
        assert!(!p.caller_allowed("cert=mallory"));
    }
}
