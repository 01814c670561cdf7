//! versioncmp, in Rust (the compiler's built-in) and in the Ruby shim (what module Ruby and
//! templates call), held to Puppet 7's own answers on 2,000 generated pairs
//! (`versioncmp/answers.json`, recorded by `versioncmp/record.rb` with Puppet's library).

use bunraku_ruby::{Bridge, NoHost, Value};

fn answers() -> Vec<(String, String, i64, Result<i64, String>)> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/versioncmp/answers.json"))
        .expect("answers.json");
    let doc: serde_json::Value = serde_json::from_str(&text).expect("json");
    doc["answers"]
        .as_array()
        .expect("answers")
        .iter()
        .map(|a| {
            let zeroes = match &a[3] {
                serde_json::Value::Number(n) => Ok(n.as_i64().unwrap_or(0)),
                other => Err(other.as_str().unwrap_or("").to_string()),
            };
            (a[0].as_str().unwrap().into(), a[1].as_str().unwrap().into(), a[2].as_i64().unwrap(), zeroes)
        })
        .collect()
}

#[test]
fn the_compilers_versioncmp_gives_puppets_answers() {
    let mut wrong = Vec::new();
    for (a, b, plain, zeroes) in answers() {
        let ours = bunraku_lang::versioncmp(&a, &b);
        if ours != plain {
            wrong.push(format!("versioncmp({a:?}, {b:?}): Puppet {plain}, ours {ours}"));
        }
        match (&zeroes, bunraku_lang::versioncmp_ignoring_zeroes(&a, &b)) {
            (Ok(p), Ok(o)) if p == &o => {}
            (Err(p), Err(o)) if p.starts_with(&format!("error: {o}")) => {}
            (p, o) => wrong.push(format!("versioncmp({a:?}, {b:?}, true): Puppet {p:?}, ours {o:?}")),
        }
    }
    assert!(wrong.is_empty(), "{} differences:\n{}", wrong.len(), wrong.join("\n"));
}

#[test]
fn the_ruby_shims_versioncmp_gives_puppets_answers() {
    let all = answers();
    let bridge = Bridge::new(Default::default());
    let session = bridge.session(Value::Hash(vec![]));
    // One call for all pairs (Rust's Debug form of these ASCII strings is a Ruby literal).
    let literal = all.iter().map(|(a, b, ..)| format!("[{a:?}, {b:?}]")).collect::<Vec<_>>().join(", ");
    let code = format!(
        "[{literal}].map {{ |a, b| [Puppet::Util::Package.versioncmp(a, b), \
         (Puppet::Util::Package.versioncmp(a, b, true) rescue \"error: #{{$!.message}}\")] }}"
    );
    let got = session.call("eval_for_test", vec![Value::Str(code)], &mut NoHost).expect("versioncmp in Ruby");
    let Value::Array(got) = got else { panic!("{got:?}") };
    let mut wrong = Vec::new();
    for ((a, b, plain, zeroes), g) in all.iter().zip(got) {
        let Value::Array(g) = g else { panic!("{g:?}") };
        if g[0] != Value::Int(*plain) {
            wrong.push(format!("versioncmp({a:?}, {b:?}): Puppet {plain}, shim {:?}", g[0]));
        }
        match (zeroes, &g[1]) {
            (Ok(p), Value::Int(o)) if p == o => {}
            (Err(p), Value::Str(o)) if p.starts_with(o.lines().next().unwrap_or("")) => {}
            (p, o) => wrong.push(format!("versioncmp({a:?}, {b:?}, true): Puppet {p:?}, shim {o:?}")),
        }
    }
    assert!(wrong.is_empty(), "{} differences:\n{}", wrong.len(), wrong.join("\n"));
}
