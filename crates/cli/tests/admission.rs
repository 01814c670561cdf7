//! Admission control as puppetserver's: with every compile slot busy and `max_queued_requests`
//! waiting, a catalog request is answered 503 with `Retry-After` and `Connection: close`, and
//! agents (Bunraku's and Puppet 7's) wait that long and ask again, so no run is lost.

mod common;

use common::Site;

#[test]
fn a_full_compile_queue_answers_503_and_agents_retry() {
    let mut site = Site::new("*\n");
    // Each compile takes about a second (debug build), so four agents at once overflow two slots
    // and a queue of one.
    std::fs::write(
        site.site_pp(),
        "node default {\n  $sum = 300001.reduce(0) |$a, $b| { $a + $b }\n  notify { \"sum ${sum}\": }\n}\n",
    )
    .unwrap();
    let conf = site.master_confdir().join("puppet.conf");
    let text = std::fs::read_to_string(&conf).unwrap();
    std::fs::write(&conf, format!("{text}max_queued_requests = 1\nmax_retry_delay = 2\n")).unwrap();
    site.start_master();
    let nodes = ["q1.example.com", "q2.example.com", "q3.example.com", "q4.example.com", "q5.example.com"];
    // Certificates first (no compile involved), so the runs below all ask for catalogs at once.
    for n in nodes {
        let r = site.agent(n, &["--onetime", "--noop", "--tags", "nothing"]);
        assert!(r.code == 0 || r.code == 2, "{n}: {}", r.text);
    }
    let puppet_cert = site.puppet_agent("qp.example.com", &["--noop", "--tags", "nothing"]);
    assert!(matches!(puppet_cert.code, 0 | 2), "{}", puppet_cert.text);
    let results: Vec<(String, i32, String)> = std::thread::scope(|scope| {
        let mut handles: Vec<_> = nodes
            .iter()
            .map(|n| {
                let site = &site;
                scope.spawn(move || {
                    let r = site.agent(n, &["--onetime", "--detailed-exitcodes"]);
                    (n.to_string(), r.code, r.text)
                })
            })
            .collect();
        let site = &site;
        handles.push(scope.spawn(move || {
            let r = site.puppet_agent("qp.example.com", &["--detailed-exitcodes"]);
            ("qp.example.com (puppet)".to_string(), r.code, r.text)
        }));
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for (n, code, text) in &results {
        assert!(*code == 0 || *code == 2, "{n} lost its run ({code}):\n{text}");
        assert!(text.contains("sum 45000150000"), "{n} applied another catalog:\n{text}");
    }
    let log = site.master_log();
    let refused = log.matches("compile queue full").count();
    assert!(refused >= 1, "no request was refused; the test did not overflow the queue:\n{log}");
    let retried = results.iter().filter(|(_, _, t)| t.contains("retrying in")).count();
    assert!(retried >= 1 || results.iter().any(|(n, _, _)| n.contains("puppet")), "no Bunraku agent retried");
    eprintln!("{refused} catalog requests refused with 503; {retried} Bunraku agents waited and retried");
}
