//! The server's filebucket: with `filebucket { 'main': path => false }` and `File { backup =>
//! 'main' }` (the site.pp Puppet's own templates shipped for years), an agent backs a file's old
//! content up to the master before replacing it. Both a Bunraku agent and Debian's real Puppet 7
//! agent do, and the master keeps each content once, under its checksum, with every path it
//! came from, in Puppet's bucket layout.

mod common;

use std::path::Path;

use common::Site;
use sha2::Digest;

const SITE_PP: &str = r#"filebucket { 'main':
  server => 'localhost',
  path   => false,
}
File { backup => 'main' }
node default {
  file { "@ROOT@/nodes/${trusted['certname']}.conf":
    content => "new\n",
  }
}
"#;

fn bucketed(site: &Site, content: &[u8]) -> (Vec<u8>, String) {
    let sum = hex::encode(sha2::Sha256::digest(content));
    let dir = bunraku_model::filebucket::bucket_dir(&site.root().join("master/var/bucket"), &sum);
    let contents = std::fs::read(dir.join("contents"))
        .unwrap_or_else(|e| panic!("{}: {e}\nmaster:\n{}", dir.display(), site.master_log()));
    (contents, std::fs::read_to_string(dir.join("paths")).unwrap_or_default())
}

#[test]
fn agents_back_files_up_to_the_masters_filebucket() {
    let mut site = Site::new("*\n");
    std::fs::write(site.site_pp(), SITE_PP.replace("@ROOT@", &site.root().display().to_string())).unwrap();
    let nodes = site.root().join("nodes");
    let file = |node: &str| nodes.join(format!("{node}.conf"));
    for node in ["bunraku.example.com", "puppet.example.com"] {
        std::fs::write(file(node), "old\n").unwrap();
    }
    site.start_master();

    let run = site.agent("bunraku.example.com", &["--onetime", "--detailed-exitcodes"]);
    assert_eq!(run.code, 2, "{}\nmaster:\n{}", run.text, site.master_log());
    assert_eq!(std::fs::read_to_string(file("bunraku.example.com")).unwrap(), "new\n", "{}", run.text);
    let sum = hex::encode(sha2::Sha256::digest(b"old\n"));
    let f = file("bunraku.example.com").display().to_string();
    assert!(run.text.contains(&format!("Filebucketed {f} to main with sum {sum}")), "{}", run.text);
    let (contents, paths) = bucketed(&site, b"old\n");
    assert_eq!(contents, b"old\n");
    assert_eq!(paths, format!("{f}\n"));

    let run = site.puppet_agent("puppet.example.com", &[]);
    assert_eq!(run.code, 2, "real agent:\n{}\nmaster:\n{}", run.text, site.master_log());
    assert_eq!(std::fs::read_to_string(file("puppet.example.com")).unwrap(), "new\n");
    // The same content from a second path: stored once, both paths listed.
    let (contents, paths) = bucketed(&site, b"old\n");
    assert_eq!(contents, b"old\n");
    let p = file("puppet.example.com").display().to_string();
    assert_eq!(paths, format!("{f}\n{p}\n"), "master:\n{}", site.master_log());

    // Nothing to back up when nothing changes.
    let again = site.agent("bunraku.example.com", &["--onetime", "--detailed-exitcodes"]);
    assert_eq!(again.code, 0, "{}", again.text);
    let again = site.puppet_agent("puppet.example.com", &[]);
    assert_eq!(again.code, 0, "{}", again.text);
    assert!(Path::new(&site.root().join("master/var/bucket")).is_dir());
}
