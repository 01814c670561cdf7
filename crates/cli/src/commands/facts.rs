//! `bunraku facts [--json|--yaml] [NAME…]`: this machine's facts, as `facter` prints them.

use bunraku_model::Value;
use clap::Args;

#[derive(Args, Debug)]
pub struct FactsArgs {
    /// Print JSON.
    #[arg(long, short = 'j')]
    json: bool,
    /// Print YAML.
    #[arg(long, short = 'y')]
    yaml: bool,
    /// Only these facts (dotted names reach into structured facts: `os.family`).
    names: Vec<String>,
}

pub fn run(args: FactsArgs) -> u8 {
    let facts = bunraku_facts::resolve();
    let mut selected: indexmap::IndexMap<String, Value> = indexmap::IndexMap::new();
    if args.names.is_empty() {
        selected = facts;
    } else {
        for name in &args.names {
            let mut cur = facts.get(name.split('.').next().unwrap_or(""));
            for seg in name.split('.').skip(1) {
                cur = cur.and_then(|v| v.get(seg));
            }
            selected.insert(name.clone(), cur.cloned().unwrap_or(Value::Null));
        }
    }
    if args.yaml {
        print!("{}", serde_yaml_ng::to_string(&selected).unwrap_or_default());
    } else if args.json || args.names.len() != 1 {
        println!("{}", serde_json::to_string_pretty(&selected).unwrap_or_default());
    } else {
        match selected.values().next() {
            Some(Value::String(s)) => println!("{s}"),
            Some(v) => println!("{}", serde_json::to_string_pretty(v).unwrap_or_default()),
            None => {}
        }
    }
    0
}
