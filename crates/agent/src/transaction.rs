//! Applying a catalog: walk the resource graph in order, let providers sync each resource, propagate
//! refresh events, skip the dependents of failures, and write it all down as Puppet's report.
//!
//! Logging follows the project's convention, every line going both into `report.logs` and to
//! `tracing`: INFO is Puppet's "Notice:", DEBUG its "Info:", TRACE its "Debug:", WARN "Warning:" and
//! ERROR "Error:". Report logs keep Puppet's info level and above, as `puppet agent -t` does.

use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Instant;

use bunraku_model::{Catalog, Event, LogEntry, Metric, Report, Resource, ResourceStatus, RunStatus, Value};
use indexmap::IndexMap;

use crate::graph::{self, GraphError, ResourceGraph};
use crate::providers::{self, ChangeStatus, Context, Kind, Level, LogSource};

/// How to apply a catalog.
#[derive(Debug, Clone, Default)]
pub struct ApplyOptions {
    /// The certname, which becomes `report.host`.
    pub host: String,
    pub environment: String,
    pub transaction_uuid: String,
    /// Change nothing; report what would change.
    pub noop: bool,
    /// Log unified diffs of file content changes.
    pub show_diff: bool,
    /// Only apply resources carrying one of these tags; empty means all.
    pub tags: Vec<String>,
    /// Puppet's `statefile` (`state.yaml`): read for `schedule` periods, written back with each
    /// resource's `:checked` and `:synced` times. `None` keeps no state.
    pub statefile: Option<std::path::PathBuf>,
}

/// Applies a catalog and returns the complete report. Never panics: failures are in the report.
///
/// A catalog holding a resource type the agent has no provider for is refused whole, before
/// anything is touched (see [`unsupported_types`]).
pub fn apply(catalog: &Catalog, opts: &ApplyOptions, sources: &dyn crate::FileSource) -> Report {
    let started = Instant::now();
    let buckets = filebuckets(catalog);
    let mut tx = Transaction::new(catalog, opts, &buckets);
    let unsupported = unsupported_types(catalog);
    if !unsupported.is_empty() {
        // As Puppet's agent does with a catalog it cannot convert to its resource types: one
        // error, no resource evaluated, a failed report whose transaction did not complete.
        tx.log_puppet(Level::Err, &refusal(&unsupported));
        tx.completed = false;
        return tx.into_report(started);
    }
    if let Some(path) = &opts.statefile {
        match crate::state::ResourceStates::load(path) {
            Ok(states) => tx.states = states,
            Err(e) => tx.log_puppet(Level::Err, &e),
        }
    }
    // Beside `state.yaml`: the temporary files this apply creates, and those a killed one left.
    let _journal = opts.statefile.as_ref().map(|path| {
        let (journal, removed) = crate::tmpfiles::Journal::start(&path.with_file_name("puppettmp.journal"));
        if removed > 0 {
            tx.log_puppet(
                Level::Info,
                &format!("Removed {removed} temporary files left by an interrupted run"),
            );
        }
        journal
    });
    match ResourceGraph::build(catalog) {
        Ok(graph) => tx.run(&graph, sources),
        Err(GraphError::Cycle { cycles, message }) => {
            tx.log_puppet(Level::Err, &message);
            for cycle in &cycles {
                for &i in cycle {
                    let mut status = tx.new_status(i);
                    fail_with_event(&mut status, "resource is part of a dependency cycle");
                    tx.statuses.insert(i, status);
                }
            }
            tx.log_puppet(
                Level::Err,
                "Failed to apply catalog: One or more resource dependency cycles detected in graph",
            );
            tx.completed = false;
        }
        Err(e @ GraphError::MissingResource { resource, .. }) => {
            let res = &catalog.resources[resource];
            let mut text = e.to_string();
            if let (Some(file), Some(line)) = (&res.file, res.line) {
                text = format!("{text} (file: {file}, line: {line})");
            }
            tx.log_puppet(Level::Err, &format!("Failed to apply catalog: {text}"));
            tx.completed = false;
        }
    }
    if let Some(path) = &opts.statefile {
        tx.store_states(path);
    }
    tx.into_report(started)
}

/// The resource types of a catalog that the agent would have to apply but has no provider for,
/// with their number of resources, in catalog order. Containers are not applied and do not count:
/// classes, stages, nodes and defined-type instances (Puppet's `Component`s; `Whit`s are never in
/// a catalog). Applying a catalog only in part would leave the node in a state its manifests never
/// describe (a file written for a service whose type was skipped), so such a catalog is refused.
pub fn unsupported_types(catalog: &Catalog) -> Vec<(String, usize)> {
    let mut types: IndexMap<String, usize> = IndexMap::new();
    for res in catalog.resources.iter().filter(|r| r.is_applicable(catalog.catalog_format)) {
        if Kind::of(&res.type_name).is_err() {
            *types.entry(res.type_name.clone()).or_default() += 1;
        }
    }
    types.into_iter().collect()
}

/// The error that refuses a catalog with types the agent cannot apply.
fn refusal(types: &[(String, usize)]) -> String {
    let listed: Vec<String> =
        types.iter().map(|(t, n)| format!("{t} ({n} resource{})", if *n == 1 { "" } else { "s" })).collect();
    format!(
        "Failed to apply catalog: Bunraku's agent has no provider for the resource type{} {}; nothing \
         was applied. This node needs a Puppet agent: Puppet's own agent works against a Bunraku master.",
        if types.len() == 1 { "" } else { "s" },
        listed.join(", ")
    )
}

/// What the walk remembers about one resource.
#[derive(Debug, Clone, Copy, Default)]
struct State {
    failed: bool,
    /// Skipped because something it depends on failed (or was itself skipped for that reason).
    dependency_failed: bool,
}

/// Events waiting for a resource: how many, and whether all of them are noop events.
#[derive(Debug, Clone, Copy, Default)]
struct Queued {
    count: usize,
    real: bool,
}

struct Transaction<'c> {
    catalog: &'c Catalog,
    opts: &'c ApplyOptions,
    parent: Vec<Option<usize>>,
    logs: Vec<LogEntry>,
    statuses: IndexMap<usize, ResourceStatus>,
    state: Vec<State>,
    queued: HashMap<usize, Queued>,
    restarted: usize,
    completed: bool,
    filebuckets: &'c [(String, std::path::PathBuf)],
    /// The statuses of resources a recursive `file` generated, by the index of that file.
    generated: HashMap<usize, Vec<ResourceStatus>>,
    /// `state.yaml`: when each resource was last checked and synced.
    states: crate::state::ResourceStates,
    /// How many batches of staged writes were completed (one fsync round and renames each).
    write_batches: usize,
}

/// The catalog's local filebuckets by title, and Puppet's implicit `puppet` bucket in the clientbucketdir.
fn filebuckets(catalog: &Catalog) -> Vec<(String, std::path::PathBuf)> {
    let mut buckets: Vec<(String, std::path::PathBuf)> = catalog
        .resources
        .iter()
        .filter(|r| r.type_name == "Filebucket")
        // A bucket with `path => false` is the master's: kept with an empty path.
        .map(|r| {
            (r.title.clone(), r.param_str("path").filter(|p| p.starts_with('/')).unwrap_or_default().into())
        })
        .collect();
    if !buckets.iter().any(|(t, _)| t == "puppet") {
        buckets.push(("puppet".into(), providers::filebucket::default_clientbucketdir()));
    }
    buckets
}

impl<'c> Transaction<'c> {
    fn new(
        catalog: &'c Catalog,
        opts: &'c ApplyOptions,
        filebuckets: &'c [(String, std::path::PathBuf)],
    ) -> Self {
        Transaction {
            catalog,
            opts,
            parent: graph::containment(catalog),
            logs: Vec::new(),
            statuses: IndexMap::new(),
            state: vec![State::default(); catalog.resources.len()],
            queued: HashMap::new(),
            restarted: 0,
            completed: true,
            filebuckets,
            generated: HashMap::new(),
            states: Default::default(),
            write_batches: 0,
        }
    }

    fn run(&mut self, graph: &ResourceGraph, sources: &dyn crate::FileSource) {
        let mut containers = Containers::new(graph);
        let mut batch = Batch::default();
        for &i in &graph.order {
            let stage = self.may_stage(graph, i, &batch);
            if !stage {
                self.complete(graph, &mut batch, &mut containers, sources);
            }
            match self.evaluate(graph, i, sources, stage) {
                Step::Done(emitted) => self.finished(&mut containers, i, emitted),
                Step::Applied(applied) if batch.is_empty() && applied.ctx.staged.is_empty() => {
                    let emitted = self.finish(graph, *applied, sources);
                    self.finished(&mut containers, i, emitted);
                }
                Step::Applied(applied) => {
                    batch.push(*applied);
                    if batch.staged >= MAX_STAGED {
                        self.complete(graph, &mut batch, &mut containers, sources);
                    }
                }
            }
        }
        self.complete(graph, &mut batch, &mut containers, sources);
    }

    /// Notes that resource `i` is done, logging for its containers as Puppet does.
    fn finished(&mut self, containers: &mut Containers, i: usize, emitted: Emitted) {
        for (container, count) in containers.finished(i, emitted) {
            let res = &self.catalog.resources[container];
            let word = if count == 1 { "event" } else { "events" };
            let source = graph::container_name(res);
            self.log(
                Level::Notice,
                &source,
                &format!("Would have triggered 'refresh' from {count} {word}"),
                Some(res),
            );
        }
    }

    /// Whether resource `i` may join the batch of resources whose file writes are still staged:
    /// a plain `file` (content, not source; no recursion, validation, link or removal), applied
    /// (not skipped), that depends on nothing unsettled in the batch and whose path is neither the
    /// target of a staged write nor above or below one. Anything else first has the batch completed, so nothing
    /// ever observes a file before its write is done, and logs and events keep their order.
    fn may_stage(&self, graph: &ResourceGraph, i: usize, batch: &Batch) -> bool {
        let res = &self.catalog.resources[i];
        if res.type_name != "File" || self.opts.noop {
            return false;
        }
        let unstageable = ["source", "validate_cmd", "schedule", "audit"];
        if unstageable.iter().any(|p| res.param(p).is_some())
            || !matches!(res.param("recurse"), None | Some(Value::Null) | Some(Value::Bool(false)))
            || res.param_str("links").as_deref() == Some("follow")
            || !matches!(res.param_str("ensure").as_deref(), None | Some("file" | "present" | "directory"))
        {
            return false;
        }
        if !self.opts.tags.is_empty() && !tagged(res, &self.opts.tags) {
            return false;
        }
        let blocked = graph.dependencies[i].iter().any(|d| {
            self.state[d.index].failed
                || self.state[d.index].dependency_failed
                || batch.unsettled.contains(&d.index)
        });
        if blocked {
            return false;
        }
        if batch.staged == 0 {
            return true;
        }
        let path = std::path::PathBuf::from(res.param_str("path").unwrap_or_else(|| res.title.clone()));
        let real = path
            .parent()
            .and_then(|dir| std::fs::canonicalize(dir).ok())
            .zip(path.file_name())
            .map(|(dir, name)| dir.join(name))
            .unwrap_or(path);
        !batch.related(&real)
    }

    /// Completes the batch: the staged writes (fsynced together, renamed in order), then each
    /// resource's logs, events and refreshes in the order the resources were evaluated.
    fn complete(
        &mut self,
        graph: &ResourceGraph,
        batch: &mut Batch<'_>,
        containers: &mut Containers,
        sources: &dyn crate::FileSource,
    ) {
        let mut applied = std::mem::take(&mut batch.applied);
        *batch = Batch::default();
        let mut owners = Vec::new();
        let mut writes = Vec::new();
        for (n, a) in applied.iter_mut().enumerate() {
            for write in a.ctx.staged.drain(..) {
                owners.push(n);
                writes.push(write);
            }
        }
        if !writes.is_empty() {
            self.write_batches += 1;
        }
        for (owner, result) in owners.into_iter().zip(providers::staged::complete(writes)) {
            if let Err(failure) = result {
                failure.record(&mut applied[owner].ctx);
            }
        }
        for a in applied {
            let i = a.index;
            let emitted = self.finish(graph, a, sources);
            self.finished(containers, i, emitted);
        }
    }

    /// Evaluates one resource: either done at once (skipped, or failed before its provider ran) with
    /// the events it sends on, or applied by its provider and waiting for [`Transaction::finish`].
    fn evaluate<'s>(
        &mut self,
        graph: &ResourceGraph,
        i: usize,
        sources: &'s dyn crate::FileSource,
        stage: bool,
    ) -> Step<'s>
    where
        'c: 's,
    {
        let res = &self.catalog.resources[i];
        let path = graph::resource_path(self.catalog, &self.parent, i);
        let mut status = self.new_status(i);
        let clock = Instant::now();

        if !self.opts.tags.is_empty() && !tagged(res, &self.opts.tags) {
            self.log(
                Level::Debug,
                &path,
                &format!("Not tagged with {}", self.opts.tags.join(", ")),
                Some(res),
            );
            status.skipped = true;
            self.queued.remove(&i);
            self.statuses.insert(i, status);
            return Step::Done(Emitted::default());
        }

        if let Some(name) = res.param_str("schedule") {
            match crate::schedule::Schedule::named(self.catalog, &name) {
                Some(schedule)
                    if !schedule.matches(
                        chrono::Local::now(),
                        self.states.checked(&status.resource).map(|t| t.with_timezone(&chrono::Local)),
                    ) =>
                {
                    self.log(Level::Debug, &path, "Not scheduled", Some(res));
                    status.skipped = true;
                    self.queued.remove(&i);
                    self.statuses.insert(i, status);
                    return Step::Done(Emitted::default());
                }
                Some(_) => {}
                None => {
                    let message = format!("Could not find schedule {name}");
                    self.log(Level::Err, &path, &format!("Could not evaluate: {message}"), Some(res));
                    fail_with_event(&mut status, &message);
                    self.state[i].failed = true;
                    self.queued.remove(&i);
                    self.statuses.insert(i, status);
                    return Step::Done(Emitted::default());
                }
            }
        }

        let failed_deps: Vec<usize> = graph.dependencies[i]
            .iter()
            .map(|d| d.index)
            .filter(|d| self.state[*d].failed || self.state[*d].dependency_failed)
            .collect();
        if !failed_deps.is_empty() {
            for d in &failed_deps {
                if self.state[*d].failed {
                    let dep = self.catalog.resources[*d].reference();
                    self.log(
                        Level::Notice,
                        &path,
                        &format!("Dependency {dep} has failures: true"),
                        Some(res),
                    );
                }
            }
            self.log(Level::Warning, &path, "Skipping because of failed dependencies", Some(res));
            status.skipped = true;
            self.state[i].dependency_failed = true;
            self.queued.remove(&i);
            self.statuses.insert(i, status);
            return Step::Done(Emitted::default());
        }

        let noop = self.opts.noop || providers::param_bool(res, "noop") == Some(true);
        let kind = match Kind::of(&res.type_name) {
            Ok(kind) => kind,
            Err(message) => {
                self.log(Level::Err, &path, &format!("Could not evaluate: {message}"), Some(res));
                fail_with_event(&mut status, &message);
                self.state[i].failed = true;
                status.evaluation_time = clock.elapsed().as_secs_f64();
                self.statuses.insert(i, status);
                return Step::Done(Emitted::default());
            }
        };
        self.states.set_time(&status.resource, ":checked", chrono::Local::now());
        // `audit`: the current values are read and recorded before anything changes.
        let audit = match crate::audit::Audit::record(kind, res, &status.resource, &mut self.states) {
            Ok(audit) => audit,
            Err(message) => {
                self.log(Level::Warning, &path, &message, Some(res));
                None
            }
        };

        let mut ctx = Context::new(noop, self.opts.show_diff, sources);
        ctx.environment = self.opts.environment.clone();
        ctx.filebuckets = self.filebuckets;
        ctx.stage_writes = stage;
        let outcome = catch_unwind(AssertUnwindSafe(|| providers::apply(kind, res, &mut ctx)))
            .unwrap_or_else(|_| Err(providers::ProviderError::new("internal error: the provider panicked")));
        status.evaluation_time = clock.elapsed().as_secs_f64();
        Step::Applied(Box::new(Applied { index: i, kind, noop, path, status, ctx, outcome, audit }))
    }

    /// The rest of a resource's evaluation once its writes are complete: its logs and events, the
    /// files it generates, the refresh it received, the refreshes it schedules.
    fn finish(
        &mut self,
        graph: &ResourceGraph,
        applied: Applied<'_>,
        sources: &dyn crate::FileSource,
    ) -> Emitted {
        let clock = Instant::now();
        let Applied { index: i, kind, noop, path, mut status, mut ctx, outcome, audit } = applied;
        let res = &self.catalog.resources[i];
        status.provider_used = ctx.provider_used.clone();
        if let Some(audit) = &audit {
            audit.annotate(&mut ctx);
        }
        self.emit_provider_logs(&ctx, &path, res);
        for change in &ctx.changes {
            add_event(&mut status, change_event(change, &res.type_name));
        }
        if let (Some(audit), true) = (&audit, outcome.is_ok()) {
            audit.mark(&mut status.events);
            let synced: Vec<&str> = ctx.changes.iter().map(|c| c.property.as_str()).collect();
            for outcome in audit.outcomes(res, &synced) {
                let source = format!("{path}/{}", outcome.property);
                // An audit event logs at the resource's loglevel, a newly-recorded value as a notice.
                let level = if outcome.event.is_some() { loglevel(res) } else { Level::Notice };
                self.log(level, &source, &outcome.message, Some(res));
                if let Some(event) = outcome.event {
                    add_event(&mut status, event);
                }
            }
        }
        if let Err(e) = outcome {
            self.log(Level::Err, &path, &format!("Could not evaluate: {e}"), Some(res));
            fail_with_event(&mut status, &e.to_string());
        }
        let failed = status.failed;
        self.state[i].failed = failed;

        // Events go to subscribers only when the resource did not fail, as in Puppet.
        let mut emitted = Emitted::default();
        if !failed {
            for e in &status.events {
                emitted.add(e.status == "noop");
            }
            if matches!(kind, Kind::File | Kind::ConcatFile | Kind::Tidy) {
                self.evaluate_generated(i, &mut status, &path, noop, sources, &mut emitted);
            }
        }

        // A type that refreshes itself when it changes (Puppet's `self_refresh`: mount) queues
        // one refresh per event, unless it is being removed.
        if providers::self_refresh(kind) && !failed && !noop {
            let real = status.events.iter().filter(|e| e.status == "success").count();
            let deleting = res.param("ensure").and_then(|v| v.as_str()) == Some("absent");
            if real > 0 && !deleting {
                let q = self.queued.entry(i).or_insert(Queued { count: 0, real: false });
                q.count += real;
                q.real = true;
            }
        }

        // Then the events this resource received from earlier resources.
        if let Some(q) = self.queued.remove(&i) {
            let word = if q.count == 1 { "event" } else { "events" };
            if !q.real || noop {
                if providers::refreshable(kind) {
                    self.log(
                        Level::Notice,
                        &path,
                        &format!("Would have triggered 'refresh' from {} {word}", q.count),
                        Some(res),
                    );
                    emitted.add(true);
                }
            } else if providers::refreshable(kind) && !failed {
                let mut rctx = Context::new(false, self.opts.show_diff, sources);
                let result = catch_unwind(AssertUnwindSafe(|| providers::refresh(kind, res, &mut rctx)))
                    .unwrap_or_else(|_| {
                        Err(providers::ProviderError::new("internal error: the provider panicked"))
                    });
                self.emit_provider_logs(&rctx, &path, res);
                for change in &rctx.changes {
                    add_event(&mut status, change_event(change, &res.type_name));
                }
                match result {
                    Ok(()) => {
                        let message = format!("Triggered 'refresh' from {} {word}", q.count);
                        self.log(Level::Notice, &path, &message, Some(res));
                        let mut event =
                            new_event(None, Value::Null, Value::Null, &message, "refresh", "success");
                        event.redacted = Some(false);
                        add_event(&mut status, event);
                        self.restarted += 1;
                        emitted.add(false);
                    }
                    Err(e) => {
                        let message = format!("Failed to call refresh: {e}");
                        self.log(Level::Err, &path, &message, Some(res));
                        status.failed_to_restart = true;
                        fail_with_event(&mut status, &message);
                        self.state[i].failed = true;
                    }
                }
            }
        }

        if emitted.count > 0 && !self.state[i].failed {
            for dep in &graph.dependents[i] {
                if !dep.refresh {
                    continue;
                }
                let target = self.catalog.resources[dep.index].reference();
                self.log(Level::Info, &path, &format!("Scheduling refresh of {target}"), Some(res));
                let q = self.queued.entry(dep.index).or_default();
                q.count += emitted.count;
                q.real |= emitted.real;
            }
        }
        if status.changed && !noop {
            self.states.set_time(&status.resource, ":synced", chrono::Local::now());
        }
        status.evaluation_time += clock.elapsed().as_secs_f64();
        self.statuses.insert(i, status);
        emitted
    }

    /// Writes `state.yaml`: the times gathered during the run, plus a check of every container and,
    /// after a complete run, of the agent's own schedules and filebucket, as Puppet records them.
    fn store_states(&mut self, path: &std::path::Path) {
        let now = chrono::Local::now();
        for res in &self.catalog.resources {
            if !res.is_applicable(self.catalog.catalog_format) {
                self.states.set_time(&res.reference().to_string(), ":checked", now);
            }
        }
        if self.completed {
            for status in agent_generated_statuses() {
                self.states.set_time(&status.resource, ":checked", now);
            }
        }
        if !path.exists() {
            self.log_puppet(Level::Info, &format!("Creating state file {}", path.display()));
        }
        if let Err(e) = self.states.save(path) {
            self.log_puppet(Level::Err, &format!("Could not store the state file {}: {e}", path.display()));
        }
    }

    /// Applies the files a recursive `file` generates, right after it; their events count as its own.
    fn evaluate_generated(
        &mut self,
        i: usize,
        parent: &mut ResourceStatus,
        parent_path: &str,
        noop: bool,
        sources: &dyn crate::FileSource,
        emitted: &mut Emitted,
    ) {
        let res = &self.catalog.resources[i];
        let catalog = self.catalog;
        let managed = |title: &str| {
            catalog.resources.iter().any(|r| {
                r.type_name == "File" && (r.title == title || r.param_str("path").as_deref() == Some(title))
            })
        };
        let generated = if res.type_name == "Concat_file" {
            providers::concat::generate(res, catalog, sources).map(|file| vec![file])
        } else if res.type_name == "Tidy" {
            providers::tidy::generate(res, &managed).inspect(|files| {
                if !files.is_empty() {
                    let message = format!("Tidying {} files", files.len());
                    self.log(Level::Notice, parent_path, &message, Some(res));
                }
            })
        } else {
            providers::file::generate_children(res, &managed, sources)
        };
        let children = match generated {
            Ok(children) => children,
            Err(e) => {
                self.log(Level::Err, parent_path, &format!("Could not evaluate: {e}"), Some(res));
                fail_with_event(parent, &e);
                self.state[i].failed = true;
                return;
            }
        };
        if children.is_empty() {
            return;
        }
        let prefix = parent_path.strip_suffix(&res.reference().to_string()).unwrap_or("/").to_string();
        let mut statuses = Vec::with_capacity(children.len());
        for child in &children {
            let clock = Instant::now();
            let reference = child.reference().to_string();
            let path = format!("{prefix}{reference}");
            let mut status = parent.clone();
            status.title = child.title.clone();
            status.resource = reference.clone();
            status.resource_type = child.type_name.clone();
            status.events = Vec::new();
            status.change_count = 0;
            status.out_of_sync_count = 0;
            status.changed = false;
            status.out_of_sync = false;
            status.failed = false;
            status.time = bunraku_model::time::now();
            if let Some(last) = status.containment_path.last_mut() {
                *last = reference;
            }
            let noop = noop || providers::param_bool(child, "noop") == Some(true);
            let mut ctx = Context::new(noop, self.opts.show_diff, sources);
            ctx.environment = self.opts.environment.clone();
            ctx.filebuckets = self.filebuckets;
            let outcome = catch_unwind(AssertUnwindSafe(|| providers::file::apply(child, &mut ctx)))
                .unwrap_or_else(|_| {
                    Err(providers::ProviderError::new("internal error: the provider panicked"))
                });
            self.emit_provider_logs(&ctx, &path, child);
            for change in &ctx.changes {
                add_event(&mut status, change_event(change, &child.type_name));
            }
            if let Err(e) = outcome {
                self.log(Level::Err, &path, &format!("Could not evaluate: {e}"), Some(child));
                fail_with_event(&mut status, &e.to_string());
            }
            if !status.failed {
                for e in &status.events {
                    emitted.add(e.status == "noop");
                }
            }
            self.states.set_time(&status.resource, ":checked", chrono::Local::now());
            if status.changed && !noop {
                self.states.set_time(&status.resource, ":synced", chrono::Local::now());
            }
            status.evaluation_time = clock.elapsed().as_secs_f64();
            statuses.push(status);
        }
        self.generated.insert(i, statuses);
    }

    fn emit_provider_logs(&mut self, ctx: &Context, path: &str, res: &Resource) {
        let loglevel = loglevel(res);
        for log in &ctx.logs {
            match &log.source {
                LogSource::Puppet => self.log(log.level, "Puppet", &log.message, None),
                LogSource::Resource => self.log(log.level, path, &log.message, Some(res)),
                LogSource::Property(p) => {
                    let level = if log.level == Level::Notice { loglevel } else { log.level };
                    self.log(level, &format!("{path}/{p}"), &log.message, Some(res))
                }
            }
        }
    }

    fn new_status(&self, i: usize) -> ResourceStatus {
        let res = &self.catalog.resources[i];
        ResourceStatus {
            title: res.title.clone(),
            file: res.file.clone(),
            line: res.line,
            resource: res.reference().to_string(),
            resource_type: res.type_name.clone(),
            provider_used: None,
            containment_path: graph::containment_path(self.catalog, &self.parent, i),
            evaluation_time: 0.0,
            tags: res.tags.clone(),
            time: bunraku_model::time::now(),
            failed: false,
            failed_to_restart: false,
            changed: false,
            out_of_sync: false,
            skipped: false,
            change_count: 0,
            out_of_sync_count: 0,
            events: Vec::new(),
            corrective_change: false,
        }
    }

    fn log_puppet(&mut self, level: Level, message: &str) {
        self.log(level, "Puppet", message, None);
    }

    /// Logs a line to tracing and, at info level and above, into the report.
    fn log(&mut self, level: Level, source: &str, message: &str, res: Option<&Resource>) {
        let line = if source == "Puppet" { message.to_string() } else { format!("{source}: {message}") };
        match level {
            Level::Debug => tracing::trace!("{line}"),
            Level::Info => tracing::debug!("{line}"),
            Level::Notice => tracing::info!("{line}"),
            Level::Warning => tracing::warn!("{line}"),
            Level::Err => tracing::error!("{line}"),
        }
        if level == Level::Debug {
            return;
        }
        let mut tags = vec![level.as_str().to_string()];
        if let Some(res) = res {
            tags.extend(res.tags.iter().cloned());
        }
        self.logs.push(LogEntry {
            level: level.as_str().to_string(),
            message: message.to_string(),
            source: source.to_string(),
            tags,
            time: bunraku_model::time::now(),
            file: res.and_then(|r| r.file.clone()),
            line: res.and_then(|r| r.line),
        });
    }

    fn into_report(self, started: Instant) -> Report {
        let elapsed = started.elapsed().as_secs_f64();
        let mut statuses: IndexMap<String, ResourceStatus> = IndexMap::new();
        let mut type_times: IndexMap<String, f64> = IndexMap::new();
        let mut generated = self.generated;
        for (i, status) in self.statuses {
            *type_times.entry(status.resource_type.to_lowercase()).or_default() += status.evaluation_time;
            statuses.insert(status.resource.clone(), status);
            for child in generated.remove(&i).unwrap_or_default() {
                *type_times.entry(child.resource_type.to_lowercase()).or_default() += child.evaluation_time;
                statuses.insert(child.resource.clone(), child);
            }
        }
        if self.completed {
            for status in agent_generated_statuses() {
                *type_times.entry(status.resource_type.to_lowercase()).or_default() += status.evaluation_time;
                statuses.insert(status.resource.clone(), status);
            }
        }

        let count = |f: &dyn Fn(&ResourceStatus) -> bool| statuses.values().filter(|s| f(s)).count();
        let failed = count(&|s| s.failed);
        let failed_to_restart = count(&|s| s.failed_to_restart);
        let changes: u32 = statuses.values().map(|s| s.change_count).sum();
        let events: Vec<&Event> = statuses.values().flat_map(|s| s.events.iter()).collect();
        let events_with = |st: &str| events.iter().filter(|e| e.status == st).count();
        let noop_events = events_with("noop");

        let mut metrics = IndexMap::new();
        metrics.insert(
            "resources".to_string(),
            metric(
                "resources",
                "Resources",
                vec![
                    ("total", "Total", statuses.len().into()),
                    ("skipped", "Skipped", count(&|s| s.skipped).into()),
                    ("failed", "Failed", failed.into()),
                    ("failed_to_restart", "Failed to restart", failed_to_restart.into()),
                    ("restarted", "Restarted", self.restarted.into()),
                    ("changed", "Changed", count(&|s| s.changed).into()),
                    ("out_of_sync", "Out of sync", count(&|s| s.out_of_sync).into()),
                    ("scheduled", "Scheduled", 0.into()),
                    ("corrective_change", "Corrective change", 0.into()),
                ],
            ),
        );
        let mut time_values: Vec<(String, String, Value)> = type_times
            .iter()
            .map(|(t, secs)| (t.clone(), bunraku_model::reference::capitalize_type(t), (*secs).into()))
            .collect();
        for (name, label) in [
            ("transaction_evaluation", "Transaction evaluation"),
            ("catalog_application", "Catalog application"),
            ("total", "Total"),
        ] {
            time_values.push((name.into(), label.into(), elapsed.into()));
        }
        metrics.insert(
            "time".to_string(),
            Metric { name: "time".into(), label: "Time".into(), values: time_values },
        );
        metrics.insert(
            "changes".to_string(),
            metric("changes", "Changes", vec![("total", "Total", changes.into())]),
        );
        // Puppet counts total, failure and success, then every other status (noop, audit) in the
        // order it first appears.
        let mut event_values = vec![
            ("total".to_string(), "Total".to_string(), events.len().into()),
            ("failure".to_string(), "Failure".to_string(), events_with("failure").into()),
            ("success".to_string(), "Success".to_string(), events_with("success").into()),
        ];
        for e in &events {
            if !event_values.iter().any(|(name, _, _)| *name == e.status) {
                let label = bunraku_model::reference::capitalize_type(&e.status);
                event_values.push((e.status.clone(), label, events_with(&e.status).into()));
            }
        }
        metrics.insert(
            "events".to_string(),
            Metric { name: "events".into(), label: "Events".into(), values: event_values },
        );

        let status = if failed > 0 || failed_to_restart > 0 || !self.completed {
            RunStatus::Failed
        } else if changes > 0 {
            RunStatus::Changed
        } else {
            RunStatus::Unchanged
        };
        Report {
            host: self.opts.host.clone(),
            time: bunraku_model::time::now(),
            configuration_version: self.catalog.version.clone(),
            transaction_uuid: Some(self.opts.transaction_uuid.clone()),
            report_format: 12,
            puppet_version: bunraku_model::PUPPET_VERSION.to_string(),
            status,
            transaction_completed: self.completed,
            noop: self.opts.noop,
            noop_pending: noop_events > 0,
            environment: self.opts.environment.clone(),
            logs: self.logs,
            metrics,
            resource_statuses: statuses,
            corrective_change: false,
            catalog_uuid: Some(self.catalog.catalog_uuid.clone()),
            cached_catalog_status: Some("not_used".to_string()),
            code_id: self.catalog.code_id.clone(),
            job_id: None,
        }
    }
}

/// Staged writes per batch at most: each holds an open file until the batch completes.
const MAX_STAGED: usize = 256;

/// What [`Transaction::evaluate`] did with a resource.
enum Step<'s> {
    /// Skipped or failed before its provider ran; these are the events it passes on.
    Done(Emitted),
    /// Its provider ran; its writes may still be staged.
    Applied(Box<Applied<'s>>),
}

/// A resource its provider has applied, waiting for [`Transaction::finish`].
struct Applied<'s> {
    index: usize,
    kind: Kind,
    noop: bool,
    /// Its path in the logs (`/Stage[main]/Main/File[/x]`).
    path: String,
    status: ResourceStatus,
    ctx: Context<'s>,
    outcome: Result<(), providers::ProviderError>,
    /// The audited properties, recorded before the provider ran.
    audit: Option<crate::audit::Audit>,
}

/// Resources applied since the last completed batch, in order, with what their staged writes touch.
#[derive(Default)]
struct Batch<'s> {
    applied: Vec<Applied<'s>>,
    /// Those whose outcome is not settled yet (a staged write, or a failure still to be recorded):
    /// their dependents wait for the batch. A member that changed nothing or made its changes at
    /// once (a directory, a mode) has succeeded already, so a file inside it may join the batch.
    unsettled: std::collections::HashSet<usize>,
    /// The targets of the staged writes, and every directory above one.
    targets: std::collections::HashSet<std::path::PathBuf>,
    above: std::collections::HashSet<std::path::PathBuf>,
    staged: usize,
}

impl<'s> Batch<'s> {
    fn is_empty(&self) -> bool {
        self.applied.is_empty()
    }

    fn push(&mut self, applied: Applied<'s>) {
        if !applied.ctx.staged.is_empty() || applied.outcome.is_err() || applied.ctx.any_failed() {
            self.unsettled.insert(applied.index);
        }
        for write in &applied.ctx.staged {
            let target = write.target();
            self.targets.insert(target.to_path_buf());
            for dir in target.ancestors().skip(1) {
                if !self.above.insert(dir.to_path_buf()) {
                    break;
                }
            }
            self.staged += 1;
        }
        self.applied.push(applied);
    }

    /// Whether `path` is a staged target, or above or below one.
    fn related(&self, path: &std::path::Path) -> bool {
        self.targets.contains(path)
            || self.above.contains(path)
            || path.ancestors().any(|a| self.targets.contains(a))
    }
}

/// Events a resource passes on to its subscribers and container.
#[derive(Debug, Clone, Copy, Default)]
struct Emitted {
    count: usize,
    real: bool,
}

impl Emitted {
    fn add(&mut self, noop: bool) {
        self.count += 1;
        self.real |= !noop;
    }
}

/// Tracks when each container (class, define, stage, node) has seen all its contents, to log Puppet's
/// "Would have triggered 'refresh'" lines for containers whose contents only had noop events.
struct Containers {
    parent: Vec<Option<usize>>,
    remaining: Vec<usize>,
    events: Vec<Emitted>,
}

impl Containers {
    fn new(graph: &ResourceGraph) -> Self {
        let n = graph.parent.len();
        let mut remaining = vec![0; n];
        // A container counts its direct children that hold something applicable.
        let mut live = vec![false; n];
        for i in 0..n {
            if graph.applicable[i] {
                live[i] = true;
                for a in graph.ancestors(i) {
                    live[a] = true;
                }
            }
        }
        for (i, is_live) in live.iter().enumerate() {
            if *is_live {
                if let Some(p) = graph.parent[i] {
                    remaining[p] += 1;
                }
            }
        }
        Containers { parent: graph.parent.clone(), remaining, events: vec![Emitted::default(); n] }
    }

    /// Notes that `i` is done; returns the containers that would have refreshed, with their event counts.
    fn finished(&mut self, i: usize, emitted: Emitted) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut child = i;
        let mut carried = emitted;
        while let Some(p) = self.parent.get(child).copied().flatten() {
            self.events[p].count += carried.count;
            self.events[p].real |= carried.real;
            self.remaining[p] = self.remaining[p].saturating_sub(1);
            if self.remaining[p] > 0 {
                break;
            }
            let ev = self.events[p];
            carried = Emitted::default();
            if ev.count > 0 {
                if !ev.real {
                    out.push((p, ev.count));
                }
                carried.add(!ev.real);
            }
            child = p;
        }
        out
    }
}

/// `loglevel`: the level of a resource's change lines (and exec output), notice by default.
fn loglevel(res: &Resource) -> Level {
    match res.param_str("loglevel").as_deref() {
        Some("debug") => Level::Debug,
        Some("info") | Some("verbose") => Level::Info,
        Some("warning") => Level::Warning,
        Some("err") | Some("alert") | Some("emerg") | Some("crit") => Level::Err,
        _ => Level::Notice,
    }
}

/// Whether a resource carries one of `tags`: its catalog tags, its type and title, and the
/// values of its `tag` metaparameter (which Puppet adds to the tags when it builds the resource).
fn tagged(res: &Resource, tags: &[String]) -> bool {
    let from_param = providers::param_list(res, "tag");
    tags.iter().flat_map(|t| t.split(',')).any(|t| {
        let t = t.trim().to_lowercase();
        res.tags.iter().chain(&from_param).any(|rt| rt.to_lowercase() == t)
            || res.type_name.to_lowercase() == t
            || res.title.to_lowercase() == t
    })
}

fn new_event(
    property: Option<&str>,
    previous: Value,
    desired: Value,
    message: &str,
    name: &str,
    status: &str,
) -> Event {
    Event {
        audited: false,
        property: property.map(String::from),
        previous_value: previous,
        desired_value: desired,
        historical_value: Value::Null,
        message: message.to_string(),
        name: name.to_string(),
        status: status.to_string(),
        time: bunraku_model::time::now(),
        redacted: None,
        corrective_change: false,
    }
}

/// A provider's change as a report event. An `ensure` change a provider calls just `created` or
/// `removed` gets Puppet's name for it, `<type>_created` / `<type>_removed` (`Property::Ensure`).
fn change_event(change: &providers::Change, type_name: &str) -> Event {
    let name = match change.name.as_str() {
        "created" | "removed" if change.property == "ensure" => {
            format!("{}_{}", type_name.to_lowercase(), change.name)
        }
        other => other.to_string(),
    };
    let mut e = new_event(
        Some(&change.property),
        change.previous.clone(),
        change.desired.clone(),
        &change.message,
        &name,
        change.status.as_str(),
    );
    e.redacted = change.redacted;
    e
}

/// Adds an event to a status and updates its counters the way Puppet's `Resource::Status#add_event` does.
fn add_event(status: &mut ResourceStatus, event: Event) {
    match event.status.as_str() {
        "failure" => status.failed = true,
        "success" => {
            status.change_count += 1;
            status.changed = true;
        }
        _ => {}
    }
    if event.status != "audit" {
        status.out_of_sync_count += 1;
        status.out_of_sync = true;
    }
    status.events.push(event);
}

/// Fails a resource with a `resource_error` event, as Puppet's `fail_with_event`.
fn fail_with_event(status: &mut ResourceStatus, message: &str) {
    let event =
        new_event(None, Value::Null, Value::Null, message, "resource_error", ChangeStatus::Failure.as_str());
    add_event(status, event);
}

fn metric(name: &str, label: &str, values: Vec<(&str, &str, Value)>) -> Metric {
    Metric {
        name: name.to_string(),
        label: label.to_string(),
        values: values.into_iter().map(|(n, l, v)| (n.to_string(), l.to_string(), v)).collect(),
    }
}

/// The schedules and filebucket every Puppet agent adds to its catalog; they appear in its reports.
fn agent_generated_statuses() -> Vec<ResourceStatus> {
    let names = [
        ("Schedule", "puppet"),
        ("Schedule", "hourly"),
        ("Schedule", "daily"),
        ("Schedule", "weekly"),
        ("Schedule", "monthly"),
        ("Schedule", "never"),
        ("Filebucket", "puppet"),
    ];
    names
        .iter()
        .map(|(t, title)| {
            let reference = format!("{t}[{title}]");
            ResourceStatus {
                title: title.to_string(),
                file: None,
                line: None,
                resource: reference.clone(),
                resource_type: t.to_string(),
                provider_used: None,
                containment_path: vec![reference],
                evaluation_time: 0.0,
                tags: vec![t.to_lowercase(), title.to_string()],
                time: bunraku_model::time::now(),
                failed: false,
                failed_to_restart: false,
                changed: false,
                out_of_sync: false,
                skipped: false,
                change_count: 0,
                out_of_sync_count: 0,
                events: Vec::new(),
                corrective_change: false,
            }
        })
        .collect()
}

#[cfg(test)]
#[path = "transaction_tests.rs"]
pub(crate) mod tests;
