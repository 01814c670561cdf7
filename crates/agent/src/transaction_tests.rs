//! Transaction rules on catalogs built in the test: ordering, refresh, failures, noop, cycles.

use super::*;
use bunraku_model::{Edge, ResourceKind};
use serde_json::json;

pub(crate) struct NoSources;

impl crate::FileSource for NoSources {
    fn metadata(&self, source: &str) -> Result<bunraku_model::FileMetadata, String> {
        Err(format!("no source {source}"))
    }
    fn content(&self, source: &str) -> Result<Vec<u8>, String> {
        Err(format!("no source {source}"))
    }
}

/// One resource from its type, title and parameters, for provider tests.
pub(crate) fn resource(type_name: &str, title: &str, params: serde_json::Value) -> bunraku_model::Resource {
    serde_json::from_value(
        serde_json::json!({"type": type_name, "title": title, "tags": [], "exported": false, "parameters": params}),
    )
    .expect("a resource built from literals")
}

/// A catalog from `(type, title, parameters)` triples; resources without a `Class`/`Stage` container
/// are put in `Class[main]`, as the compiler does. `contain` lists extra (container, child) edges.
pub(crate) fn catalog(resources: &[(&str, &str, Value)], contain: &[(&str, &str)]) -> Catalog {
    let mut res = vec![
        container("Stage", "main", ResourceKind::CompilableType),
        container("Class", "Settings", ResourceKind::Unknown),
        container("Class", "main", ResourceKind::Unknown),
    ];
    let mut edges = vec![
        Edge { source: "Stage[main]".into(), target: "Class[Settings]".into() },
        Edge { source: "Stage[main]".into(), target: "Class[main]".into() },
    ];
    for (t, title, params) in resources {
        let kind = match *t {
            "Class" => ResourceKind::Class,
            t if t.contains("::") || t.starts_with("Mydef") => ResourceKind::DefinedType,
            _ => ResourceKind::CompilableType,
        };
        let mut r = container(t, title, kind);
        r.tags = vec![t.to_lowercase(), title.to_string(), "class".into()];
        if let Value::Object(map) = params {
            r.parameters = map.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        }
        res.push(r);
        let reference = format!("{t}[{title}]");
        let explicit = contain.iter().find(|(_, child)| *child == reference);
        let source = match explicit {
            Some((parent, _)) => parent.to_string(),
            None if *t == "Class" => "Stage[main]".to_string(),
            None => "Class[main]".to_string(),
        };
        edges.push(Edge { source, target: reference });
    }
    Catalog {
        tags: vec![],
        name: "test.example.com".into(),
        version: json!(1700000000),
        code_id: None,
        catalog_uuid: "uuid-1".into(),
        catalog_format: 2,
        environment: "production".into(),
        resources: res,
        edges,
        classes: vec![],
    }
}

fn container(t: &str, title: &str, kind: ResourceKind) -> Resource {
    Resource {
        type_name: t.into(),
        title: title.into(),
        tags: vec![t.to_lowercase()],
        file: Some("/site.pp".into()),
        line: Some(1),
        exported: false,
        kind: Some(kind),
        parameters: IndexMap::new(),
        sensitive_parameters: vec![],
    }
}

pub(crate) fn opts() -> ApplyOptions {
    ApplyOptions {
        host: "test.example.com".into(),
        environment: "production".into(),
        transaction_uuid: "tx".into(),
        ..Default::default()
    }
}

pub(crate) fn run(cat: &Catalog) -> Report {
    apply(cat, &opts(), &NoSources)
}

/// The report's notice-and-above log lines as "source: message".
pub(crate) fn lines(report: &Report) -> Vec<String> {
    report.logs.iter().filter(|l| l.level != "info").map(|l| format!("{}: {}", l.source, l.message)).collect()
}

#[test]
fn notify_logs_like_puppet_with_containment_paths() {
    let cat = catalog(
        &[
            ("Notify", "hi", json!({})),
            ("Class", "Nginx::Web", json!({})),
            ("Notify", "inner", json!({"message": "from class"})),
            ("Mydef", "d1", json!({})),
            ("Notify", "in d1", json!({})),
        ],
        &[("Class[Nginx::Web]", "Notify[inner]"), ("Mydef[d1]", "Notify[in d1]")],
    );
    let report = run(&cat);
    assert_eq!(
        lines(&report),
        [
            "Puppet: hi",
            "/Stage[main]/Main/Notify[hi]/message: defined 'message' as 'hi'",
            "Puppet: from class",
            "/Stage[main]/Nginx::Web/Notify[inner]/message: defined 'message' as 'from class'",
            "Puppet: in d1",
            "/Stage[main]/Main/Mydef[d1]/Notify[in d1]/message: defined 'message' as 'in d1'",
        ]
    );
    let st = &report.resource_statuses["Notify[inner]"];
    assert_eq!(st.containment_path, ["Stage[main]", "Nginx::Web", "Notify[inner]"]);
    assert!(st.changed && st.change_count == 1);
    assert_eq!(st.events[0].name, "message_changed");
    assert_eq!(report.status, RunStatus::Changed);
    assert_eq!(report.metric("changes", "total"), Some(&json!(3)));
    assert_eq!(report.metric("resources", "total"), Some(&json!(3 + 7)));
    assert_eq!(report.report_format, 12);
    assert_eq!(report.configuration_version, json!(1700000000));
    let log = report.logs.iter().find(|l| l.source.ends_with("Notify[hi]/message")).unwrap();
    assert_eq!(log.tags, ["notice", "notify", "hi", "class"]);
    assert_eq!(log.file.as_deref(), Some("/site.pp"));
}

#[test]
fn order_follows_the_catalog_unless_relationships_say_otherwise() {
    let cat = catalog(
        &[
            ("Notify", "a", json!({"require": "Notify[c]"})),
            ("Notify", "b", json!({})),
            ("Notify", "c", json!({})),
            ("Notify", "d", json!({"before": ["Notify[b]"]})),
        ],
        &[],
    );
    let report = run(&cat);
    let order: Vec<String> =
        report.logs.iter().filter(|l| l.source == "Puppet").map(|l| l.message.clone()).collect();
    assert_eq!(order, ["c", "a", "d", "b"]);
}

#[test]
fn relationships_to_a_class_apply_to_its_contents() {
    let cat = catalog(
        &[
            ("Class", "Web", json!({"require": "Notify[last]"})),
            ("Notify", "w1", json!({})),
            ("Notify", "w2", json!({})),
            ("Notify", "first", json!({"require": "Class[web]"})),
            ("Notify", "last", json!({})),
        ],
        &[("Class[Web]", "Notify[w1]"), ("Class[Web]", "Notify[w2]")],
    );
    let report = run(&cat);
    let order: Vec<String> =
        report.logs.iter().filter(|l| l.source == "Puppet").map(|l| l.message.clone()).collect();
    assert_eq!(order, ["last", "w1", "w2", "first"]);
}

#[test]
fn failures_skip_dependents_and_the_run_goes_on() {
    let cat = catalog(
        &[
            ("Exec", "/bin/false", json!({"before": "Notify[b]"})),
            ("Notify", "b", json!({})),
            ("Notify", "c", json!({"require": "Notify[b]"})),
            ("Notify", "indep", json!({})),
        ],
        &[],
    );
    let report = run(&cat);
    assert_eq!(
        lines(&report),
        [
            "Puppet: '/bin/false' returned 1 instead of one of [0]",
            "/Stage[main]/Main/Exec[/bin/false]/returns: change from 'notrun' to ['0'] failed: '/bin/false' returned 1 instead of one of [0]",
            "/Stage[main]/Main/Notify[b]: Dependency Exec[/bin/false] has failures: true",
            "/Stage[main]/Main/Notify[b]: Skipping because of failed dependencies",
            "/Stage[main]/Main/Notify[c]: Skipping because of failed dependencies",
            "Puppet: indep",
            "/Stage[main]/Main/Notify[indep]/message: defined 'message' as 'indep'",
        ]
    );
    assert_eq!(report.status, RunStatus::Failed);
    assert!(report.transaction_completed);
    assert!(report.resource_statuses["Notify[c]"].skipped);
    assert!(report.resource_statuses["Exec[/bin/false]"].failed);
    assert_eq!(report.metric("resources", "failed"), Some(&json!(1)));
    assert_eq!(report.metric("resources", "skipped"), Some(&json!(2)));
    assert_eq!(report.metric("events", "failure"), Some(&json!(1)));
}

/// Types the agent has no provider for are counted; containers (classes, stages, nodes,
/// defined-type instances) are not applied and do not count.
#[test]
fn unsupported_types_are_the_applicable_ones_without_a_provider() {
    let mut cat = catalog(
        &[
            ("Class", "Mysql::Server", json!({})),
            ("Mydef", "instance", json!({})),
            ("Mysql_user", "root@localhost", json!({})),
            ("Notify", "n", json!({})),
            ("Augeas", "sshd", json!({})),
            ("Mysql_user", "app@%", json!({})),
        ],
        &[],
    );
    cat.resources.push(container("Node", "default", ResourceKind::Unknown));
    assert_eq!(unsupported_types(&cat), [("Mysql_user".to_string(), 2), ("Augeas".to_string(), 1)]);
}

/// A catalog with a type the agent cannot apply fails before anything changes: the file it also
/// holds is not written, no resource is evaluated, `state.yaml` is not touched, and the report is a
/// failed run (exit code 4 with `--detailed-exitcodes`) whose one error names the types and says
/// what the node needs.
#[test]
fn a_catalog_with_types_the_agent_cannot_apply_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("written-first.txt");
    let statefile = dir.path().join("state/state.yaml");
    let cat = catalog(
        &[
            ("File", target.to_str().unwrap(), json!({"ensure": "file", "content": "x"})),
            ("Mysql_user", "app@%", json!({"require": format!("File[{}]", target.display())})),
            ("Exec", "touch", json!({"command": format!("/usr/bin/touch {}/ran", dir.path().display())})),
        ],
        &[],
    );
    let opts = ApplyOptions { statefile: Some(statefile.clone()), ..opts() };
    let report = apply(&cat, &opts, &NoSources);
    assert!(!target.exists());
    assert!(!dir.path().join("ran").exists());
    assert!(!statefile.exists());
    assert_eq!(
        lines(&report),
        ["Puppet: Failed to apply catalog: Bunraku's agent has no provider for the resource type Mysql_user \
          (1 resource); nothing was applied. This node needs a Puppet agent: Puppet's own agent works against \
          a Bunraku master."]
    );
    assert_eq!(report.logs[0].level, "err");
    assert_eq!(report.status, RunStatus::Failed);
    assert!(!report.transaction_completed);
    assert!(report.resource_statuses.is_empty());
    assert_eq!(report.metric("changes", "total"), Some(&json!(0)));
    assert_eq!(crate::run::detailed_exit_code(&report), 4);

    // The same in noop mode, and whatever the tags select.
    let opts = ApplyOptions { noop: true, tags: vec!["notify".into()], ..ApplyOptions::default() };
    let report = apply(&cat, &opts, &NoSources);
    assert_eq!(report.status, RunStatus::Failed);
    assert!(report.resource_statuses.is_empty());
}

#[test]
fn cycles_fail_the_catalog() {
    let cat = catalog(
        &[
            ("Notify", "a", json!({"require": "Notify[b]"})),
            ("Notify", "b", json!({"require": "Notify[a]"})),
            ("Notify", "other", json!({})),
        ],
        &[],
    );
    let report = run(&cat);
    assert_eq!(
        report.logs[0].message,
        "Found 1 dependency cycle:\n(Notify[a] => Notify[b] => Notify[a])\\nTry the '--graph' option and opening the resulting '.dot' file in OmniGraffle or GraphViz"
    );
    assert_eq!(report.status, RunStatus::Failed);
    assert!(!report.transaction_completed);
    assert_eq!(report.resource_statuses.len(), 2);
    assert_eq!(
        report.resource_statuses["Notify[a]"].events[0].message,
        "resource is part of a dependency cycle"
    );
}

#[test]
fn refresh_reaches_subscribers_and_only_refreshable_types_act() {
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("ran");
    let cat = catalog(
        &[
            ("Notify", "change", json!({"notify": ["Exec[touch]", "Notify[listener]"]})),
            (
                "Exec",
                "touch",
                json!({"command": format!("/usr/bin/touch {}", marker.display()), "refreshonly": true}),
            ),
            ("Exec", "never", json!({"command": "/bin/false", "refreshonly": true})),
            ("Notify", "listener", json!({})),
        ],
        &[],
    );
    let report = run(&cat);
    assert!(marker.exists());
    assert!(lines(&report)
        .contains(&"/Stage[main]/Main/Exec[touch]: Triggered 'refresh' from 1 event".to_string()));
    let st = &report.resource_statuses["Exec[touch]"];
    assert!(st.changed);
    assert_eq!(st.events[0].name, "refresh");
    assert_eq!(st.events[0].redacted, Some(false));
    assert!(!report.resource_statuses["Exec[never]"].changed);
    assert_eq!(report.metric("resources", "restarted"), Some(&json!(1)));
    assert!(report
        .logs
        .iter()
        .any(|l| l.level == "info" && l.message == "Scheduling refresh of Exec[touch]"));
}

#[test]
fn noop_reports_without_changing() {
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("ran");
    let cat = catalog(
        &[
            ("Class", "Foo", json!({})),
            ("Notify", "hi", json!({"notify": "Exec[touch]"})),
            (
                "Exec",
                "touch",
                json!({"command": format!("/usr/bin/touch {}", marker.display()), "refreshonly": true}),
            ),
        ],
        &[("Class[Foo]", "Notify[hi]")],
    );
    let mut o = opts();
    o.noop = true;
    let report = apply(&cat, &o, &NoSources);
    assert!(!marker.exists());
    assert_eq!(
        lines(&report),
        [
            "/Stage[main]/Foo/Notify[hi]/message: current_value 'absent', should be 'hi' (noop)",
            "Class[Foo]: Would have triggered 'refresh' from 1 event",
            "/Stage[main]/Main/Exec[touch]: Would have triggered 'refresh' from 1 event",
            "Class[Main]: Would have triggered 'refresh' from 1 event",
            "Stage[main]: Would have triggered 'refresh' from 2 events",
        ]
    );
    assert_eq!(report.status, RunStatus::Unchanged);
    assert!(report.noop && report.noop_pending);
    assert_eq!(report.resource_statuses["Notify[hi]"].events[0].status, "noop");
    assert_eq!(report.metric("events", "noop"), Some(&json!(1)));
}

#[test]
fn per_resource_noop_and_tags() {
    let cat = catalog(
        &[
            ("Notify", "quiet", json!({"noop": true})),
            ("Notify", "loud", json!({})),
            ("Notify", "other", json!({})),
        ],
        &[],
    );
    let report = run(&cat);
    assert_eq!(report.resource_statuses["Notify[quiet]"].events[0].status, "noop");
    assert_eq!(report.resource_statuses["Notify[loud]"].events[0].status, "success");
    assert!(report.noop_pending && !report.noop);

    let mut o = opts();
    o.tags = vec!["loud".into()];
    let report = apply(&cat, &o, &NoSources);
    assert!(report.resource_statuses["Notify[other]"].skipped);
    assert!(report.resource_statuses["Notify[loud]"].changed);
    assert_eq!(report.metric("changes", "total"), Some(&json!(1)));
}

#[test]
fn missing_relationship_target_fails_the_catalog() {
    let cat = catalog(&[("Notify", "a", json!({"require": "Notify[nope]"}))], &[]);
    let report = run(&cat);
    assert_eq!(report.status, RunStatus::Failed);
    assert!(report.logs[0].message.starts_with(
        "Failed to apply catalog: Could not find resource 'Notify[nope]' in parameter 'require'"
    ));
}

#[test]
fn schedules_decide_what_is_applied() {
    let dir = tempfile::tempdir().unwrap();
    let f = |n: &str| dir.path().join(n).display().to_string();
    let (never, daily, custom, missing) = (f("never"), f("daily"), f("custom"), f("missing"));
    let now = chrono::Local::now().format("%H").to_string().parse::<u32>().unwrap();
    // A range that excludes this hour.
    let other = format!("{} - {}", (now + 2) % 24, (now + 3) % 24);
    let cat = catalog(
        &[
            ("Schedule", "maintenance", json!({"range": other})),
            ("File", &never, json!({"content": "x", "schedule": "never"})),
            ("File", &daily, json!({"content": "x", "schedule": "daily"})),
            ("File", &custom, json!({"content": "x", "schedule": "maintenance"})),
            ("File", &missing, json!({"content": "x", "schedule": "nosuch"})),
        ],
        &[],
    );
    let report = run(&cat);
    assert!(!std::path::Path::new(&never).exists());
    assert!(std::path::Path::new(&daily).exists());
    assert!(!std::path::Path::new(&custom).exists());
    assert!(report.resource_statuses[&format!("File[{never}]")].skipped);
    assert!(report.resource_statuses[&format!("File[{custom}]")].skipped);
    assert!(report.resource_statuses[&format!("File[{missing}]")].failed);
    assert!(lines(&report).contains(&format!(
        "/Stage[main]/Main/File[{missing}]: Could not evaluate: Could not find schedule nosuch"
    )));
}

#[test]
fn loglevel_sets_the_level_of_change_lines() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("quiet").display().to_string();
    let cat = catalog(&[("File", &f, json!({"content": "x", "loglevel": "info"}))], &[]);
    let report = run(&cat);
    assert_eq!(report.status, bunraku_model::RunStatus::Changed);
    let log = report.logs.iter().find(|l| l.source.ends_with("/ensure")).unwrap();
    assert_eq!(log.level, "info");
    assert!(lines(&report).is_empty());
}

#[test]
fn staged_writes_keep_puppets_order_and_land_before_anything_reads_them() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().display().to_string();
    std::fs::write(dir.path().join("old"), "old\n").unwrap();
    std::fs::set_permissions(dir.path().join("old"), std::os::unix::fs::PermissionsExt::from_mode(0o644))
        .unwrap();
    let p = |name: &str| format!("{root}/{name}");
    let cat = catalog(
        &[
            ("File", &p("a"), json!({"ensure": "file", "content": "a\n"})),
            ("File", &p("old"), json!({"content": "new\n", "mode": "0600"})),
            ("File", &p("missing/x"), json!({"ensure": "file", "content": "x\n"})),
            ("Notify", "after missing", json!({"require": format!("File[{}]", p("missing/x"))})),
            ("File", &p("b"), json!({"ensure": "file", "content": "b\n"})),
            ("Notify", "between", json!({})),
            ("File", &p("c"), json!({"ensure": "file", "content": "c\n", "notify": "Exec[reader]"})),
            ("File", &p("d"), json!({"ensure": "file", "content": "d\n"})),
            (
                "Exec",
                "reader",
                json!({"command": format!("/bin/sh -c 'cat {0}/a {0}/old {0}/b {0}/c {0}/d > {0}/seen'", root),
                       "refreshonly": true}),
            ),
        ],
        &[],
    );
    let report = run(&cat);
    let path = |name: &str| format!("/Stage[main]/Main/File[{}]", p(name));
    let sum = |s: &str| bunraku_model::Value::String(crate::providers::file::sha256_label(s.as_bytes()));
    let label = |s: &str| sum(s).as_str().unwrap_or_default().to_string();
    let lines = lines(&report);
    assert_eq!(lines[0], format!("{}/ensure: defined content as '{}'", path("a"), label("a\n")));
    assert_eq!(
        lines[1],
        format!("{}/content: content changed '{}' to '{}'", path("old"), label("old\n"), label("new\n"))
    );
    assert_eq!(lines[2], format!("{}/mode: mode changed '0644' to '0600'", path("old")));
    assert!(lines[3]
        .starts_with(&format!("{}/ensure: change from 'absent' to 'file' failed: ", path("missing/x"))));
    assert_eq!(
        lines[4..7],
        [
            format!(
                "/Stage[main]/Main/Notify[after missing]: Dependency File[{}] has failures: true",
                p("missing/x")
            ),
            "/Stage[main]/Main/Notify[after missing]: Skipping because of failed dependencies".to_string(),
            format!("{}/ensure: defined content as '{}'", path("b"), label("b\n")),
        ]
    );
    assert_eq!(
        lines[7..9],
        ["Puppet: between", "/Stage[main]/Main/Notify[between]/message: defined 'message' as 'between'"]
    );
    assert_eq!(lines[9], format!("{}/ensure: defined content as '{}'", path("c"), label("c\n")));
    assert_eq!(lines[10], format!("{}/ensure: defined content as '{}'", path("d"), label("d\n")));
    assert_eq!(lines[11], "/Stage[main]/Main/Exec[reader]: Triggered 'refresh' from 1 event");
    assert_eq!(lines.len(), 12, "{lines:#?}");
    // The exec ran after every write before it had landed.
    assert_eq!(std::fs::read_to_string(dir.path().join("seen")).unwrap(), "a\nnew\nb\nc\nd\n");
    let mode = std::os::unix::fs::MetadataExt::mode(&std::fs::metadata(dir.path().join("old")).unwrap());
    assert_eq!(mode & 0o7777, 0o600);
    // The report lists the resources in the order they were applied, events in property order.
    let order: Vec<&str> = report.resource_statuses.keys().map(String::as_str).take(9).collect();
    assert_eq!(
        order[..3],
        [format!("File[{}]", p("a")), format!("File[{}]", p("old")), format!("File[{}]", p("missing/x"))]
    );
    let old = &report.resource_statuses[&format!("File[{}]", p("old"))];
    let props: Vec<_> = old.events.iter().map(|e| e.property.clone().unwrap_or_default()).collect();
    assert_eq!(props, ["content", "mode"]);
    assert_eq!(old.events[0].previous_value, sum("old\n"));
    assert_eq!(report.metric("resources", "failed"), Some(&json!(1)));
    assert_eq!(report.metric("resources", "skipped"), Some(&json!(1)));
    // No temporary file is left.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.contains("puppettmp")), "{names:?}");
}

#[test]
fn periods_and_repeat_count_from_state_yaml() {
    let dir = tempfile::tempdir().unwrap();
    let statefile = dir.path().join("state/state.yaml");
    let cat = catalog(
        &[
            ("Schedule", "twice_hourly", json!({"period": "hourly", "repeat": 2})),
            ("Notify", "scheduled", json!({"schedule": "twice_hourly"})),
            ("Notify", "always", json!({})),
        ],
        &[],
    );
    let o = ApplyOptions { statefile: Some(statefile.clone()), ..opts() };
    let applied = |report: &Report| !report.resource_statuses["Notify[scheduled]"].skipped;

    // First run: never checked, so applied; state.yaml records it.
    let first = apply(&cat, &o, &NoSources);
    assert!(applied(&first));
    assert!(first.logs.iter().any(|l| l.message == format!("Creating state file {}", statefile.display())));
    let states = crate::state::ResourceStates::load(&statefile).unwrap();
    let checked = states.checked("Notify[scheduled]").expect("checked time recorded");
    assert!(matches!(states.get("Notify[scheduled]", ":synced"), Some(crate::state::StateValue::Time(_))));
    for container in ["Stage[main]", "Class[main]", "Schedule[puppet]", "Filebucket[puppet]"] {
        assert!(states.checked(container).is_some(), "{container}: {}", states.to_yaml());
    }
    let text = std::fs::read_to_string(&statefile).unwrap();
    assert!(text.starts_with("---\n"), "{text}");
    assert!(text.contains("Notify[scheduled]:\n  :checked: "), "{text}");

    // Second run at once: within the half hour, skipped, and its check time is kept.
    let second = apply(&cat, &o, &NoSources);
    assert!(!applied(&second));
    assert!(!second.resource_statuses["Notify[always]"].skipped);
    let states = crate::state::ResourceStates::load(&statefile).unwrap();
    assert_eq!(states.checked("Notify[scheduled]"), Some(checked));

    // Checked 31 minutes ago (as Puppet would have written it): applied again.
    let earlier = (chrono::Local::now() - chrono::Duration::minutes(31)).format("%Y-%m-%d %H:%M:%S%.9f %:z");
    let old = format!("---\nNotify[scheduled]:\n  :checked: {earlier}\n");
    std::fs::write(&statefile, old).unwrap();
    let third = apply(&cat, &o, &NoSources);
    assert!(applied(&third));
    // Without a state file, every period matches.
    assert!(applied(&run(&cat)));
    assert!(applied(&run(&cat)));
}

#[test]
fn files_in_a_new_directory_join_the_batch_and_readers_split_it() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n).display().to_string();
    let batches = |resources: &[(&str, &str, Value)]| {
        let cat = catalog(resources, &[]);
        let graph = ResourceGraph::build(&cat).unwrap();
        let buckets = filebuckets(&cat);
        let o = opts();
        let mut tx = Transaction::new(&cat, &o, &buckets);
        tx.run(&graph, &NoSources);
        assert!(tx.statuses.values().all(|s| !s.failed), "{:?}", tx.logs);
        tx.write_batches
    };
    // A file, a new directory (autorequired by the files in it), two files in it: one batch.
    let tree = [
        ("File", p("a"), json!({"ensure": "file", "content": "a\n"})),
        ("File", p("d"), json!({"ensure": "directory"})),
        ("File", p("d/x"), json!({"ensure": "file", "content": "x\n"})),
        ("File", p("d/y"), json!({"ensure": "file", "content": "y\n", "mode": "0600"})),
    ];
    let refs: Vec<(&str, &str, Value)> = tree.iter().map(|(t, n, v)| (*t, n.as_str(), v.clone())).collect();
    assert_eq!(batches(&refs), 1);
    assert_eq!(std::fs::read_to_string(dir.path().join("d/y")).unwrap(), "y\n");
    // An exec between the files completes the batch before it runs: two batches.
    let (e, f) = (p("e"), p("f"));
    let cmd = format!("/bin/sh -c 'test -s {e}'");
    let split = [
        ("File", e.as_str(), json!({"ensure": "file", "content": "e\n"})),
        ("Exec", cmd.as_str(), json!({})),
        ("File", f.as_str(), json!({"ensure": "file", "content": "f\n"})),
    ];
    assert_eq!(batches(&split), 2);
}

/// `audit`: the first run records the values in state.yaml and only logs them; a later run reports
/// each value that changed as an `audit` event without changing it back; a managed property that
/// is also audited keeps its change event, marked as audited. Checked against `puppet apply` 7.23
/// (see the differential test `audit_records_and_reports_changes`).
#[test]
fn audit_records_values_and_reports_what_changed() {
    use crate::state::{ResourceStates, StateValue};
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let statefile = dir.path().join("state/state.yaml");
    let p = |n: &str| dir.path().join(n).display().to_string();
    std::fs::write(p("watched"), "orig\n").unwrap();
    std::fs::set_permissions(p("watched"), std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::write(p("managed"), "old\n").unwrap();
    let (watched, managed, missing) = (p("watched"), p("managed"), p("missing"));
    let cat = catalog(
        &[
            (
                "File",
                watched.as_str(),
                json!({"audit": ["content", "mode", "owner"], "notify": "Exec[seen]"}),
            ),
            ("File", managed.as_str(), json!({"content": "new\n", "audit": "content"})),
            ("File", missing.as_str(), json!({"audit": ["content", "mode"]})),
            (
                "Exec",
                "seen",
                json!({"command": format!("/bin/touch {}", p("refreshed")), "refreshonly": true}),
            ),
            ("Exec", "/bin/true", json!({"unless": "/bin/true", "audit": "all"})),
        ],
        &[],
    );
    let o = ApplyOptions { statefile: Some(statefile.clone()), ..opts() };
    let key = |path: &str| format!("File[{path}]");
    let messages = |report: &Report, path: &str| -> Vec<String> {
        let source = format!("/Stage[main]/Main/File[{path}]/");
        report.logs.iter().filter(|l| l.source.starts_with(&source)).map(|l| l.message.clone()).collect()
    };

    // First run: newly recorded, nothing audited changes; the managed content changes.
    let first = apply(&cat, &o, &NoSources);
    assert_eq!(first.status, RunStatus::Changed);
    let orig = sum("orig\n");
    let orig = orig.as_str().unwrap();
    assert_eq!(
        messages(&first, &watched),
        [
            format!("audit change: newly-recorded value {orig}"),
            "audit change: newly-recorded value 0644".to_string(),
            format!("audit change: newly-recorded value {}", nix::unistd::geteuid()),
        ]
    );
    assert!(first.resource_statuses[&key(&watched)].events.is_empty());
    let m = &first.resource_statuses[&key(&managed)];
    assert_eq!(m.events.len(), 1);
    assert!(m.events[0].audited);
    assert_eq!((m.events[0].status.as_str(), &m.events[0].historical_value), ("success", &Value::Null));
    assert_eq!(
        messages(&first, &missing),
        ["audit change: newly-recorded value absent", "audit change: newly-recorded value absent"]
    );
    assert!(first.logs.iter().any(|l| l.level == "warning" && l.message.contains("audit is not supported")));
    let states = ResourceStates::load(&statefile).unwrap();
    assert_eq!(states.get(&key(&watched), ":content"), Some(&StateValue::Text(orig.to_string())));
    assert_eq!(states.get(&key(&watched), ":mode"), Some(&StateValue::Text("0644".into())));
    let uid = i64::from(nix::unistd::geteuid().as_raw());
    assert_eq!(states.get(&key(&watched), ":owner"), Some(&StateValue::Integer(uid)));
    assert_eq!(states.get(&key(&missing), ":mode"), Some(&StateValue::Symbol(":absent".into())));
    // The value recorded for the managed file is the one before it changed.
    assert_eq!(states.get(&key(&managed), ":content"), Some(&sum_state("old\n")));
    assert!(!std::path::Path::new(&p("refreshed")).exists());

    // The watched file changes behind Puppet's back: audit events, nothing put back, a refresh.
    std::fs::write(p("watched"), "edited\n").unwrap();
    std::fs::set_permissions(p("watched"), std::fs::Permissions::from_mode(0o600)).unwrap();
    let second = apply(&cat, &o, &NoSources);
    let w = &second.resource_statuses[&key(&watched)];
    let summary: Vec<_> = w
        .events
        .iter()
        .map(|e| (e.property.clone().unwrap(), e.status.clone(), e.audited, e.name.clone()))
        .collect();
    assert_eq!(
        summary,
        [
            ("content".to_string(), "audit".to_string(), true, "content_changed".to_string()),
            ("mode".to_string(), "audit".to_string(), true, "mode_changed".to_string()),
        ]
    );
    let edited = sum("edited\n");
    assert_eq!((&w.events[0].previous_value, &w.events[0].historical_value), (&edited, &json!(orig)));
    assert_eq!(w.events[0].desired_value, Value::Null);
    assert_eq!(
        w.events[1].message,
        "audit change: previously recorded value '0644' has been changed to '0600'"
    );
    assert!(!w.changed && !w.out_of_sync && w.change_count == 0);
    assert_eq!(std::fs::read_to_string(p("watched")).unwrap(), "edited\n");
    assert!(std::path::Path::new(&p("refreshed")).exists(), "an audit event refreshes its subscribers");
    // The managed file, in sync now, reports that its content changed since the first run, with
    // the content it should have as the desired value.
    let m = &second.resource_statuses[&key(&managed)];
    assert_eq!(m.events.len(), 1);
    assert_eq!((m.events[0].status.as_str(), &m.events[0].desired_value), ("audit", &sum("new\n")));
    assert_eq!(second.metric("events", "audit"), Some(&json!(3)));
    // The only change is the exec's refresh; audit events change nothing.
    assert_eq!(second.metric("changes", "total"), Some(&json!(1)));
    let states = ResourceStates::load(&statefile).unwrap();
    assert_eq!(states.get(&key(&watched), ":mode"), Some(&StateValue::Text("0600".into())));

    // Nothing changed since: no events at all.
    let third = apply(&cat, &o, &NoSources);
    assert!(third.resource_statuses[&key(&watched)].events.is_empty());
    assert!(third.resource_statuses[&key(&managed)].events.is_empty());
    let all: Vec<_> = third
        .resource_statuses
        .values()
        .flat_map(|s| s.events.iter().map(move |e| (s.resource.clone(), e.message.clone())))
        .collect();
    assert_eq!(third.status, RunStatus::Unchanged, "{all:?}");
    assert_eq!(third.metric("events", "audit"), None);

    // A managed and audited mode whose recorded value differs says so in its change message.
    std::fs::set_permissions(p("watched"), std::fs::Permissions::from_mode(0o640)).unwrap();
    let fixed = catalog(&[("File", watched.as_str(), json!({"mode": "0600", "audit": "mode"}))], &[]);
    let fourth = apply(&fixed, &o, &NoSources);
    let e = &fourth.resource_statuses[&key(&watched)].events;
    assert_eq!(e.len(), 1);
    assert_eq!(
        (e[0].status.as_str(), e[0].audited, &e[0].historical_value),
        ("success", true, &json!("0600"))
    );
    assert_eq!(e[0].message, "mode changed '0640' to '0600' (previously recorded value was '0600')");
    assert!(fourth.logs.iter().any(|l| l.message == e[0].message));
}

fn sum(content: &str) -> Value {
    Value::String(crate::providers::file::sha256_label(content.as_bytes()))
}

fn sum_state(content: &str) -> crate::state::StateValue {
    crate::state::StateValue::Text(crate::providers::file::sha256_label(content.as_bytes()))
}
