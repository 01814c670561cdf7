//! `orchestration.conf`: the orchestration settings of a node or a client, in the `key = value`
//! form of MCollective's `server.cfg`/`client.cfg` (comments with `#`). Unknown keys are reported,
//! not ignored. Everything about identity (certname, keys, CA, CRL) comes from Puppet's settings.
//!
//! ```text
//! middleware = stomp://guest:guest@127.0.0.1:61613/
//! collectives = mcollective
//! allowed_callers = admin, /^ops-/
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::transport::Middleware;

#[derive(Debug, Clone)]
pub struct Config {
    pub path: Option<PathBuf>,
    pub middleware: Middleware,
    pub collectives: Vec<String>,
    pub main_collective: String,
    pub identity: Option<String>,
    pub allowed_callers: Vec<String>,
    pub policy_dir: Option<PathBuf>,
    pub audit_log: Option<PathBuf>,
    pub callers_dir: Option<PathBuf>,
    /// MCollective's shared server key pair (`ssl_server_private`/`ssl_server_public`), for
    /// Debian's `mco` and `mcollectived`.
    pub legacy_server_private: Option<PathBuf>,
    pub legacy_server_public: Option<PathBuf>,
    pub fact_cache_time: Duration,
    /// Run the server inside `bunraku agent`'s daemon.
    pub in_agent: bool,
    pub ttl: i64,
    pub discovery_timeout: Duration,
}

#[derive(Debug, thiserror::Error)]
#[error("{path}:{line}: {message}")]
pub struct ConfigError {
    pub path: String,
    pub line: usize,
    pub message: String,
}

const KEYS: &[&str] = &[
    "middleware",
    "collectives",
    "main_collective",
    "identity",
    "allowed_callers",
    "policy_dir",
    "audit_log",
    "callers_dir",
    "legacy_server_private",
    "legacy_server_public",
    "fact_cache_time",
    "in_agent",
    "ttl",
    "discovery_timeout",
];

impl Default for Config {
    fn default() -> Self {
        Config {
            path: None,
            middleware: Middleware::Stomp {
                host: "127.0.0.1".into(),
                port: 61613,
                user: "guest".into(),
                password: "guest".into(),
                vhost: "/".into(),
            },
            collectives: vec!["mcollective".into()],
            main_collective: "mcollective".into(),
            identity: None,
            allowed_callers: Vec::new(),
            policy_dir: None,
            audit_log: None,
            callers_dir: None,
            legacy_server_private: None,
            legacy_server_public: None,
            fact_cache_time: Duration::from_secs(300),
            in_agent: true,
            ttl: 60,
            discovery_timeout: Duration::from_secs(2),
        }
    }
}

fn list(v: &str) -> Vec<String> {
    v.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
}

impl Config {
    /// Reads `path`; a missing file gives the defaults (with `path` unset).
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::parse(&text, path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
            Err(e) => Err(ConfigError { path: path.display().to_string(), line: 0, message: e.to_string() }),
        }
    }

    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let mut map = BTreeMap::new();
        for (n, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let err =
                |message: String| ConfigError { path: path.display().to_string(), line: n + 1, message };
            let Some((k, v)) = line.split_once('=') else {
                return Err(err(format!("expected key = value, found {line:?}")));
            };
            let k = k.trim();
            if !KEYS.contains(&k) {
                return Err(err(format!("unknown setting {k:?} (known: {})", KEYS.join(", "))));
            }
            map.insert(k.to_string(), (n + 1, v.trim().to_string()));
        }
        let mut c = Config { path: Some(path.to_path_buf()), ..Config::default() };
        for (k, (line, v)) in map {
            let err = |message: String| ConfigError { path: path.display().to_string(), line, message };
            let secs = |v: &str| {
                v.parse::<f64>()
                    .map(Duration::from_secs_f64)
                    .map_err(|_| err(format!("{k}: expected seconds, found {v:?}")))
            };
            match k.as_str() {
                "middleware" => c.middleware = Middleware::parse(&v).map_err(|e| err(e.to_string()))?,
                "collectives" => c.collectives = list(&v),
                "main_collective" => c.main_collective = v,
                "identity" => c.identity = Some(v),
                "allowed_callers" => c.allowed_callers = list(&v),
                "policy_dir" => c.policy_dir = Some(PathBuf::from(v)),
                "audit_log" => c.audit_log = Some(PathBuf::from(v)),
                "callers_dir" => c.callers_dir = Some(PathBuf::from(v)),
                "legacy_server_private" => c.legacy_server_private = Some(PathBuf::from(v)),
                "legacy_server_public" => c.legacy_server_public = Some(PathBuf::from(v)),
                "fact_cache_time" => c.fact_cache_time = secs(&v)?,
                "discovery_timeout" => c.discovery_timeout = secs(&v)?,
                "ttl" => c.ttl = v.parse().map_err(|_| err(format!("ttl: expected seconds, found {v:?}")))?,
                "in_agent" => {
                    c.in_agent = match v.as_str() {
                        "true" | "yes" | "1" => true,
                        "false" | "no" | "0" => false,
                        _ => return Err(err(format!("in_agent: expected true or false, found {v:?}"))),
                    }
                }
                _ => {}
            }
        }
        if c.collectives.is_empty() {
            c.collectives = vec![c.main_collective.clone()];
        }
        if !c.collectives.contains(&c.main_collective) {
            c.main_collective = c.collectives[0].clone();
        }
        // The main collective first: it is where requests go by default.
        c.collectives.sort_by_key(|x| x != &c.main_collective);
        Ok(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_settings_and_refuses_unknown_ones() {
        let c = Config::parse(
            "middleware = nats://127.0.0.1:4222\ncollectives = a, b\nmain_collective = b\n",
            Path::new("o.conf"),
        )
        .unwrap();
        assert_eq!(c.collectives, vec!["b", "a"]);
        assert!(matches!(c.middleware, Middleware::Nats { .. }));
        let e = Config::parse("\nbogus = 1\n", Path::new("o.conf")).unwrap_err();
        assert_eq!(e.line, 2);
    }
}
