//! A recursive `file` whose source is on the master (`puppet:///modules/…` with `recurse => true`):
//! the agent searches the directory with `file_metadatas`, copies every file below it, purges what
//! the source does not have, and changes nothing on the next run.

mod common;

use common::Site;

const NODE: &str = "recurse.example.org";

#[test]
fn a_source_directory_on_the_master_is_copied_recursively() {
    let mut site = Site::new("*\n");
    let files = site.root().join("code/environments/production/modules/nginx/files/conf.d");
    std::fs::create_dir_all(files.join("sub")).unwrap();
    std::fs::write(files.join("a.conf"), "a = 1\n").unwrap();
    std::fs::write(files.join("sub/b.conf"), "b = 2\n").unwrap();
    let dest = site.root().join("nodes/recurse/conf.d");
    std::fs::create_dir_all(&dest).unwrap();
    std::fs::write(dest.join("stale.conf"), "old\n").unwrap();
    let manifest = format!(
        "node '{NODE}' {{\n  file {{ '{}':\n    ensure  => directory,\n    source  => 'puppet:///modules/nginx/conf.d',\n    recurse => true,\n    purge   => true,\n    mode    => '0640',\n  }}\n}}\n",
        dest.display()
    );
    std::fs::write(site.site_pp(), manifest).unwrap();
    site.start_master();

    let first = site.agent(NODE, &["--onetime", "--detailed-exitcodes"]);
    assert_eq!(first.code, 2, "{}", first.text);
    assert_eq!(std::fs::read_to_string(dest.join("a.conf")).unwrap(), "a = 1\n");
    assert_eq!(std::fs::read_to_string(dest.join("sub/b.conf")).unwrap(), "b = 2\n");
    assert!(!dest.join("stale.conf").exists(), "purged:\n{}", first.text);
    let mode = std::os::unix::fs::MetadataExt::mode(&std::fs::metadata(dest.join("sub/b.conf")).unwrap());
    assert_eq!(mode & 0o7777, 0o640);
    let b = dest.join("sub/b.conf");
    assert!(
        first.text.contains(&format!("File[{}]/ensure: defined content as '{{sha256}}", b.display())),
        "{}",
        first.text
    );
    assert!(
        first.text.contains(&format!("File[{}]/ensure: removed", dest.join("stale.conf").display())),
        "{}",
        first.text
    );

    let second = site.agent(NODE, &["--onetime", "--detailed-exitcodes"]);
    assert_eq!(second.code, 0, "{}", second.text);
}
