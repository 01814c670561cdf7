//! The Bunraku side of `tests/fuzz-oracle/fuzz.py` (Puppet's side is `tests/sweep/oracle.rb`):
//! reads JSON lines `{"id", "manifest", "settings"}` on stdin and answers each with a JSON line
//! `{"id", "catalog"}` or `{"id", "error"}`, compiling the manifest as the environment
//! `production`'s `manifests/site.pp` for node `n1` with no facts. Paths in the answer are relative
//! to the environment, as oracle.rb gives them.
//!
//!     cargo run -p bunraku-lang --example oracle

use std::io::{BufRead, Write};

use bunraku_lang::{CompileRequest, Environment, LanguageSettings, Strict};

fn settings(v: &serde_json::Value) -> LanguageSettings {
    let mut s = LanguageSettings::default();
    if let Some(b) = v.get("strict_variables").and_then(|b| b.as_bool()) {
        s.strict_variables = b;
    }
    s.strict = match v.get("strict").and_then(|x| x.as_str()) {
        Some("off") => Strict::Off,
        Some("error") => Strict::Error,
        _ => Strict::Warning,
    };
    s
}

fn main() {
    let dir = tempfile::tempdir().expect("tempdir");
    let envdir = dir.path().join("production");
    std::fs::create_dir_all(envdir.join("manifests")).expect("mkdir");
    let prefix = format!("{}/", envdir.display());
    let stdin = std::io::stdin();
    let mut out = std::io::stdout().lock();
    for line in stdin.lock().lines() {
        let Ok(line) = line else { break };
        let Ok(req) = serde_json::from_str::<serde_json::Value>(&line) else { continue };
        let manifest = req["manifest"].as_str().unwrap_or("");
        std::fs::write(envdir.join("manifests/site.pp"), manifest).expect("site.pp");
        let mut answer = serde_json::json!({ "id": req["id"] });
        // A fresh environment each time: no parse cache across requests.
        let request = CompileRequest { certname: "n1".into(), ..Default::default() };
        let result = match Environment::open(dir.path(), "production", &[]) {
            Ok(env) => env.with_settings(settings(&req["settings"])).compile(&request),
            Err(e) => Err(e),
        };
        match result {
            Ok(catalog) => {
                let text = catalog.to_json().replace(&prefix, "");
                answer["catalog"] = serde_json::from_str(&text).unwrap_or(serde_json::Value::Null);
            }
            Err(e) => answer["error"] = serde_json::Value::String(e.to_string().replace(&prefix, "")),
        }
        writeln!(out, "{answer}").expect("stdout");
        out.flush().expect("stdout");
    }
}
