//! A `file_metadata(s)`/`file_content` request's path and query, as an agent (or anyone with a
//! certificate) sends them, against a small module tree with a link loop: every input must be
//! answered (a result or a `FileServerError`), never panic, hang or blow up memory. The input is
//! `<mount path>\n<query string>`.
#![no_main]
use std::path::PathBuf;
use std::sync::OnceLock;

use bunraku_master::fileserver::{FileServer, MetadataOptions, SearchOptions};
use libfuzzer_sys::fuzz_target;

/// `modules/m/files/{a.txt, .hidden, sub/b.rb, sub/loop -> ..}`, `m/lib/facter/f.rb`.
fn tree() -> &'static (tempfile::TempDir, Vec<PathBuf>) {
    static TREE: OnceLock<(tempfile::TempDir, Vec<PathBuf>)> = OnceLock::new();
    TREE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let files = dir.path().join("modules/m/files");
        std::fs::create_dir_all(files.join("sub")).unwrap();
        std::fs::create_dir_all(dir.path().join("modules/m/lib/facter")).unwrap();
        std::fs::write(files.join("a.txt"), "a").unwrap();
        std::fs::write(files.join(".hidden"), "h").unwrap();
        std::fs::write(files.join("sub/b.rb"), "b").unwrap();
        std::fs::write(dir.path().join("modules/m/lib/facter/f.rb"), "f").unwrap();
        std::os::unix::fs::symlink("..", files.join("sub/loop")).unwrap();
        let modulepath = vec![dir.path().join("modules")];
        (dir, modulepath)
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (path, query) = text.split_once('\n').unwrap_or((text, ""));
    let query: Vec<(String, String)> =
        form_urlencoded::parse(query.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    let (dir, modulepath) = tree();
    let server = FileServer::new(modulepath, dir.path());
    if let Ok(opts) = SearchOptions::from_query(&query) {
        let _ = server.search(path, &opts);
    }
    if let Ok(opts) = MetadataOptions::from_query(&query) {
        let _ = server.metadata(path, &opts);
    }
    if let Ok(found) = server.content_path(path) {
        assert!(found.starts_with(dir.path()), "{found:?} is outside the tree");
    }
    for (key, value) in &query {
        if key == "ignore" {
            let _ = bunraku_master::fileserver::glob_match(value, path);
        }
    }
});
