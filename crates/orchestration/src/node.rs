//! What a server knows about the node it runs on: identity, facts (reloaded after
//! `fact_cache_time`), classes (from the last catalog the agent applied), the Puppet agent's files,
//! and counters for `daemon_stats`.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use crate::filter::{flatten_facts, NodeView};

/// How to start a Puppet run and where the agent keeps its state.
#[derive(Clone)]
pub struct PuppetHooks {
    /// `agent_catalog_run_lockfile`.
    pub lockfile: PathBuf,
    /// `agent_disabled_lockfile`.
    pub disabled_lockfile: PathBuf,
    /// `lastrunfile` (`last_run_summary.yaml`).
    pub lastrunfile: PathBuf,
    /// The agent daemon's pidfile.
    pub pidfile: Option<PathBuf>,
    /// This server runs inside the agent daemon (so the daemon is present).
    pub in_daemon: bool,
    /// The cached catalog, whose `classes` are the node's classes.
    pub catalog: Option<PathBuf>,
    /// Starts a run with these options in the background; says what it did or why not.
    pub runner: Arc<dyn Fn(RunOptions) -> Result<String, String> + Send + Sync>,
}

/// `puppet runonce`'s options.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunOptions {
    pub noop: Option<bool>,
    pub tags: Vec<String>,
    pub environment: Option<String>,
    /// Seconds to wait at random before the run, at most.
    pub splaylimit: Option<u64>,
    pub requester: String,
}

/// Facts as loaded: top level, and flattened for filters.
type Loaded = (Arc<serde_json::Map<String, serde_json::Value>>, Arc<BTreeMap<String, serde_json::Value>>);

type FactLoader = Arc<dyn Fn() -> serde_json::Map<String, serde_json::Value> + Send + Sync>;

/// Counters as MCollective's `RunnerStats`.
#[derive(Default)]
pub struct Stats {
    pub total: AtomicU64,
    pub validated: AtomicU64,
    pub unvalidated: AtomicU64,
    pub filtered: AtomicU64,
    pub passed: AtomicU64,
    pub replies: AtomicU64,
    pub ttlexpired: AtomicU64,
    pub denied: AtomicU64,
}

impl Stats {
    pub fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }
}

pub struct NodeContext {
    pub identity: String,
    pub main_collective: String,
    pub collectives: Vec<String>,
    pub configfile: String,
    pub agents: Vec<String>,
    pub puppet: Option<PuppetHooks>,
    pub stats: Stats,
    pub started: i64,
    fact_cache_time: Duration,
    loader: FactLoader,
    facts: Mutex<Option<(Instant, Loaded)>>,
    catalog: Mutex<Option<(Option<SystemTime>, Arc<CatalogSummary>)>>,
}

impl NodeContext {
    pub fn new(identity: &str, collectives: Vec<String>, loader: FactLoader) -> NodeContext {
        NodeContext {
            identity: identity.to_string(),
            main_collective: collectives.first().cloned().unwrap_or_else(|| "mcollective".into()),
            collectives,
            configfile: String::new(),
            agents: Vec::new(),
            puppet: None,
            stats: Stats::default(),
            started: chrono::Utc::now().timestamp(),
            fact_cache_time: Duration::from_secs(300),
            loader,
            facts: Mutex::new(None),
            catalog: Mutex::new(None),
        }
    }

    pub fn with_fact_cache_time(mut self, t: Duration) -> Self {
        self.fact_cache_time = t;
        self
    }

    fn load(&self) -> Loaded {
        let mut guard = self.facts.lock().expect("facts lock");
        if let Some((at, loaded)) = guard.as_ref() {
            if at.elapsed() < self.fact_cache_time {
                return loaded.clone();
            }
        }
        let top = (self.loader)();
        let flat = Arc::new(flatten_facts(&top));
        let top = Arc::new(top);
        *guard = Some((Instant::now(), (top.clone(), flat.clone())));
        (top, flat)
    }

    /// The node's facts, top level (structured as facter gives them).
    pub fn facts(&self) -> Arc<serde_json::Map<String, serde_json::Value>> {
        self.load().0
    }

    /// A fact by name, dotted names reaching into structured facts.
    pub fn fact(&self, name: &str) -> Option<serde_json::Value> {
        self.load().1.get(name).cloned()
    }

    /// What the last catalog the agent applied says: its classes and resource counts by type.
    /// Read again only when the cached catalog file changes (a request's filter needs the
    /// classes, and a catalog can be megabytes).
    pub fn catalog(&self) -> Arc<CatalogSummary> {
        let Some(path) = self.puppet.as_ref().and_then(|p| p.catalog.clone()) else { return Arc::default() };
        let modified = std::fs::metadata(&path).and_then(|m| m.modified()).ok();
        let mut cache = self.catalog.lock().expect("catalog lock");
        if let Some((at, summary)) = cache.as_ref() {
            if modified.is_some() && *at == modified {
                return summary.clone();
            }
        }
        let summary = Arc::new(
            std::fs::read(&path)
                .ok()
                .and_then(|text| serde_json::from_slice::<serde_json::Value>(&text).ok())
                .map(|v| CatalogSummary::of(&v))
                .unwrap_or_default(),
        );
        *cache = Some((modified, summary.clone()));
        summary
    }

    /// The classes of the last catalog the agent applied.
    pub fn classes(&self) -> Vec<String> {
        self.catalog().classes.clone()
    }

    /// What filters are matched against.
    pub fn view(&self) -> NodeView {
        NodeView {
            identity: self.identity.clone(),
            facts: self.load().1,
            classes: self.classes(),
            agents: self.agents.clone(),
        }
    }
}

/// The parts of a catalog that orchestration reads.
#[derive(Debug, Default, PartialEq)]
pub struct CatalogSummary {
    pub classes: Vec<String>,
    /// Resources by type (`File` → 12), for `last_run_summary`'s `type_distribution`.
    pub types: BTreeMap<String, i64>,
}

impl CatalogSummary {
    fn of(v: &serde_json::Value) -> CatalogSummary {
        let resources = v.get("resources").and_then(|r| r.as_array()).map(Vec::as_slice).unwrap_or(&[]);
        let mut types = BTreeMap::new();
        for r in resources {
            if let Some(t) = r.get("type").and_then(|t| t.as_str()) {
                *types.entry(t.to_string()).or_insert(0) += 1;
            }
        }
        let mut classes: Vec<String> = v
            .get("classes")
            .and_then(|c| c.as_array())
            .map(|a| a.iter().filter_map(|c| c.as_str().map(str::to_string)).collect())
            .unwrap_or_default();
        if classes.is_empty() {
            // A catalog without its `classes` list: the Class resources say the same.
            classes = resources
                .iter()
                .filter(|r| r.get("type").and_then(|t| t.as_str()) == Some("Class"))
                .filter_map(|r| r.get("title").and_then(|t| t.as_str()).map(str::to_lowercase))
                .collect();
        }
        CatalogSummary { classes, types }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_summary_counts_types_and_falls_back_to_class_resources() {
        let with_list = serde_json::json!({"classes": ["settings", "role::web"], "resources": [
            {"type": "Class", "title": "Role::Web"}, {"type": "File", "title": "/a"}, {"type": "File", "title": "/b"}]});
        let s = CatalogSummary::of(&with_list);
        assert_eq!(s.classes, ["settings", "role::web"]);
        assert_eq!(s.types.get("File"), Some(&2));
        assert_eq!(s.types.get("Class"), Some(&1));
        let without = serde_json::json!({"resources": [{"type": "Class", "title": "Role::Db"}, {"type": "Notify", "title": "x"}]});
        assert_eq!(CatalogSummary::of(&without).classes, ["role::db"]);
    }

    #[test]
    fn the_catalog_is_read_again_only_when_it_changes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("catalog.json");
        std::fs::write(&path, r#"{"classes": ["a"]}"#).unwrap();
        let mut node = NodeContext::new("n", vec!["mc".into()], Arc::new(serde_json::Map::new));
        node.puppet = Some(PuppetHooks {
            lockfile: dir.path().join("lock"),
            disabled_lockfile: dir.path().join("disabled"),
            lastrunfile: dir.path().join("summary.yaml"),
            pidfile: None,
            in_daemon: false,
            catalog: Some(path.clone()),
            runner: Arc::new(|_| Ok(String::new())),
        });
        let first = node.catalog();
        assert_eq!(first.classes, ["a"]);
        assert!(Arc::ptr_eq(&first, &node.catalog()), "unchanged file, same summary");
        std::thread::sleep(Duration::from_millis(20));
        std::fs::write(&path, r#"{"classes": ["b"]}"#).unwrap();
        assert_eq!(node.classes(), ["b"]);
    }
}
