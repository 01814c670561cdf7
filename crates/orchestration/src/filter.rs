//! MCollective's discovery filters: what a request carries in `:filter`, how a server decides
//! whether it is addressed, and how the client's `-F`/`-C`/`-I`/`-A`/`-S`/`-W` options build one.
//!
//! The semantics are MCollective 2.12's (`Util.has_fact?`, `has_cf_class?`, `has_identity?`,
//! `has_agent?`, `Security::Base#validate_filter?`): every kind of filter present must pass; a value
//! written `/re/` is a regular expression; fact comparisons `< > <= >= !=` compare as integers or
//! floats when both sides look like numbers, else as strings; an array fact matches when any element
//! does, a hash fact when any key does.

use std::collections::BTreeMap;

use crate::rvalue::RValue;

/// A fact comparison: `{:fact, :value, :operator}`.
#[derive(Debug, Clone, PartialEq)]
pub struct FactFilter {
    pub fact: String,
    pub value: String,
    pub operator: String,
}

/// One token of a compound (`-S`) filter, as MCollective's `Matcher::Parser` emits them.
#[derive(Debug, Clone, PartialEq)]
pub enum Token {
    Statement(String),
    And,
    Or,
    Not,
    Open,
    Close,
}

/// The whole filter of a request.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Filter {
    pub fact: Vec<FactFilter>,
    pub cf_class: Vec<String>,
    pub agent: Vec<String>,
    pub identity: Vec<String>,
    pub compound: Vec<Vec<Token>>,
}

/// What a server knows about itself for matching.
#[derive(Debug, Clone, Default)]
pub struct NodeView {
    pub identity: String,
    /// Facts by name; structured facts also appear flattened under dotted names.
    pub facts: std::sync::Arc<BTreeMap<String, serde_json::Value>>,
    pub classes: Vec<String>,
    pub agents: Vec<String>,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum FilterError {
    #[error("Could not parse fact {0} it does not appear to be in a valid format")]
    Fact(String),
    #[error("invalid compound filter {0:?}: {1}")]
    Compound(String, String),
    #[error("the filter is malformed: {0}")]
    Malformed(String),
}

/// `/re/` as a regex (MCollective strips every slash: `gsub("/", "")`), else `None`.
fn as_regex(text: &str) -> Option<regex::Regex> {
    if text.starts_with('/') {
        regex::Regex::new(&text.replace('/', "")).ok()
    } else {
        None
    }
}

/// A regex of this module's own, compiled once.
macro_rules! static_regex {
    ($re:literal) => {{
        static RE: std::sync::LazyLock<regex::Regex> =
            std::sync::LazyLock::new(|| regex::Regex::new($re).expect("static regex"));
        &*RE
    }};
}

/// `Util.parse_fact_string`.
pub fn parse_fact(text: &str) -> Result<FactFilter, FilterError> {
    let ff = |f: &str, v: &str, o: &str| FactFilter { fact: f.into(), value: v.into(), operator: o.into() };
    if let Some(c) = static_regex!(r"^([^ ]+?)[ ]*=>[ ]*(.+)").captures(text) {
        return Ok(ff(&c[1], &c[2], ">="));
    }
    if let Some(c) = static_regex!(r"^([^ ]+?)[ ]*=<[ ]*(.+)").captures(text) {
        return Ok(ff(&c[1], &c[2], "<="));
    }
    if let Some(c) = static_regex!(r"^([^ ]+?)[ ]*(<=|>=|<|>|!=|==|=~)[ ]*(.+)").captures(text) {
        return Ok(ff(&c[1], &c[3], &c[2]));
    }
    if let Some(c) = static_regex!(r"^(.+?)[ ]*=[ ]*/(.+)/$").captures(text) {
        return Ok(ff(&c[1], &format!("/{}/", &c[2]), "=~"));
    }
    if let Some(c) = static_regex!(r"^([^= ]+?)[ ]*=[ ]*(.+)").captures(text) {
        return Ok(ff(&c[1], &c[2], "=="));
    }
    Err(FilterError::Fact(text.to_string()))
}

/// Splits a `-S` expression into MCollective's tokens.
pub fn parse_compound(text: &str) -> Result<Vec<Token>, FilterError> {
    let mut tokens = Vec::new();
    let mut word = String::new();
    let flush = |word: &mut String, tokens: &mut Vec<Token>| {
        if word.is_empty() {
            return;
        }
        let t = match word.as_str() {
            "and" | "&&" => Token::And,
            "or" | "||" => Token::Or,
            "not" | "!" => Token::Not,
            w => Token::Statement(w.to_string()),
        };
        tokens.push(t);
        word.clear();
    };
    let mut in_regex = false;
    for c in text.chars() {
        if c == '/' {
            in_regex = !in_regex;
            word.push(c);
            continue;
        }
        if in_regex {
            word.push(c);
            continue;
        }
        match c {
            '(' => {
                flush(&mut word, &mut tokens);
                tokens.push(Token::Open);
            }
            ')' => {
                flush(&mut word, &mut tokens);
                tokens.push(Token::Close);
            }
            '!' if word.is_empty() => tokens.push(Token::Not),
            c if c.is_whitespace() => flush(&mut word, &mut tokens),
            c => word.push(c),
        }
    }
    flush(&mut word, &mut tokens);
    // Check the shape now, so the client reports a bad expression instead of every server.
    let view = NodeView::default();
    eval_tokens(&tokens, &view).map_err(|e| FilterError::Compound(text.to_string(), e))?;
    Ok(tokens)
}

impl Filter {
    pub fn is_empty(&self) -> bool {
        self.fact.is_empty()
            && self.cf_class.is_empty()
            && self.agent.is_empty()
            && self.identity.is_empty()
            && self.compound.is_empty()
    }

    /// `-W`: MCollective's combined filter, words that are facts (`a=b`) or classes.
    pub fn add_with(&mut self, text: &str) -> Result<(), FilterError> {
        for word in text.split_whitespace() {
            if word.contains('=') || word.contains('<') || word.contains('>') {
                self.fact.push(parse_fact(word)?);
            } else {
                self.cf_class.push(word.to_string());
            }
        }
        Ok(())
    }

    /// `Security::Base#validate_filter?`.
    pub fn matches(&self, node: &NodeView) -> bool {
        if self.is_empty() {
            return true;
        }
        let classes_ok = self.cf_class.iter().all(|c| has_class(node, c));
        let facts_ok = self.fact.iter().all(|f| has_fact(node, &f.fact, &f.value, &f.operator));
        let agents_ok = self.agent.iter().all(|a| a == "mcollective" || has_agent(node, a));
        // Identities are alternatives: exactly as MCollective, one must match.
        let identity_ok = self.identity.is_empty() || self.identity.iter().any(|i| has_identity(node, i));
        let compound_ok = self.compound.iter().all(|c| eval_tokens(c, node).unwrap_or(false));
        classes_ok && facts_ok && agents_ok && identity_ok && compound_ok
    }

    /// The filter as MCollective's hash: string keys, fact entries with symbol keys.
    pub fn to_rvalue(&self) -> RValue {
        let strings = |v: &[String]| RValue::Array(v.iter().map(RValue::str).collect());
        let facts = RValue::Array(
            self.fact
                .iter()
                .map(|f| {
                    RValue::hash()
                        .with(RValue::sym("fact"), RValue::str(&f.fact))
                        .with(RValue::sym("value"), RValue::str(&f.value))
                        .with(RValue::sym("operator"), RValue::str(&f.operator))
                })
                .collect(),
        );
        let compound = RValue::Array(
            self.compound
                .iter()
                .map(|c| {
                    RValue::Array(
                        c.iter()
                            .map(|t| {
                                let (k, v) = match t {
                                    Token::Statement(s) => ("statement", s.as_str()),
                                    Token::And => ("and", "and"),
                                    Token::Or => ("or", "or"),
                                    Token::Not => ("not", "not"),
                                    Token::Open => ("(", "("),
                                    Token::Close => (")", ")"),
                                };
                                RValue::hash().with(RValue::str(k), RValue::str(v))
                            })
                            .collect(),
                    )
                })
                .collect(),
        );
        RValue::hash()
            .with(RValue::str("fact"), facts)
            .with(RValue::str("cf_class"), strings(&self.cf_class))
            .with(RValue::str("agent"), strings(&self.agent))
            .with(RValue::str("identity"), strings(&self.identity))
            .with(RValue::str("compound"), compound)
    }

    pub fn from_rvalue(v: &RValue) -> Result<Filter, FilterError> {
        let bad = |what: &str| FilterError::Malformed(what.to_string());
        let mut f = Filter::default();
        if matches!(v, RValue::Nil) {
            return Ok(f);
        }
        let RValue::Hash(entries) = v else { return Err(bad("not a hash")) };
        let strings = |v: &RValue, what: &str| -> Result<Vec<String>, FilterError> {
            match v {
                RValue::Nil => Ok(Vec::new()),
                RValue::Array(a) => {
                    a.iter().map(|x| x.as_str().map(str::to_string).ok_or_else(|| bad(what))).collect()
                }
                _ => Err(bad(what)),
            }
        };
        for (k, val) in entries {
            match k.as_str().unwrap_or("") {
                "fact" => {
                    for item in val.as_array().unwrap_or(&[]) {
                        let get = |n: &str| item.field(n).map(|x| x.display()).ok_or_else(|| bad("fact"));
                        f.fact.push(FactFilter {
                            fact: get("fact")?,
                            value: get("value")?,
                            operator: get("operator")?,
                        });
                    }
                }
                "cf_class" | "puppet_class" => f.cf_class.extend(strings(val, "cf_class")?),
                "agent" => f.agent = strings(val, "agent")?,
                "identity" => f.identity = strings(val, "identity")?,
                "compound" => {
                    for group in val.as_array().unwrap_or(&[]) {
                        let mut tokens = Vec::new();
                        for t in group.as_array().unwrap_or(&[]) {
                            let Some((key, value)) = t.entries().first() else { continue };
                            let value = value.display();
                            tokens.push(match key.as_str().unwrap_or("") {
                                "statement" => Token::Statement(value),
                                "and" => Token::And,
                                "or" => Token::Or,
                                "not" => Token::Not,
                                "(" => Token::Open,
                                ")" => Token::Close,
                                // Function statements (`fstatement`) need data plugins we do not
                                // have: they never match, as MCollective when the plugin is absent.
                                _ => Token::Statement("\u{0}".into()),
                            });
                        }
                        f.compound.push(tokens);
                    }
                }
                _ => {}
            }
        }
        Ok(f)
    }
}

fn has_class(node: &NodeView, class: &str) -> bool {
    match as_regex(class) {
        Some(re) => node.classes.iter().any(|c| re.is_match(c)),
        None => node.classes.iter().any(|c| c == class),
    }
}

fn has_agent(node: &NodeView, agent: &str) -> bool {
    match as_regex(agent) {
        Some(re) => node.agents.iter().any(|a| re.is_match(a)),
        None => node.agents.iter().any(|a| a == agent),
    }
}

fn has_identity(node: &NodeView, identity: &str) -> bool {
    match as_regex(identity) {
        Some(re) => re.is_match(&node.identity),
        None => node.identity == identity,
    }
}

/// A fact's value as the string MCollective compares (facts are strings to it).
fn fact_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// `Util.has_fact?`.
pub fn has_fact(node: &NodeView, fact: &str, value: &str, operator: &str) -> bool {
    let Some(v) = node.facts.get(fact) else { return false };
    match v {
        serde_json::Value::Array(items) => items.iter().any(|e| test_value(&fact_text(e), value, operator)),
        serde_json::Value::Object(map) => map.keys().any(|k| test_value(k, value, operator)),
        other => test_value(&fact_text(other), value, operator),
    }
}

fn test_value(fact: &str, value: &str, operator: &str) -> bool {
    match operator {
        "=~" => {
            let pattern = value
                .strip_prefix('/')
                .and_then(|v| v.strip_suffix('/'))
                .filter(|p| !p.is_empty())
                .unwrap_or(value);
            regex::Regex::new(pattern).map(|re| re.is_match(fact)).unwrap_or(false)
        }
        "==" => fact == value,
        "<=" | ">=" | "<" | ">" | "!=" => {
            let int = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
            let float = |s: &str| static_regex!(r"^[0-9]+.[0-9]+$").is_match(s);
            let ord = if int(value) && int(fact) {
                match (fact.parse::<i128>(), value.parse::<i128>()) {
                    (Ok(a), Ok(b)) => a.partial_cmp(&b),
                    _ => fact.partial_cmp(value),
                }
            } else if float(value) && float(fact) {
                match (fact.parse::<f64>(), value.parse::<f64>()) {
                    (Ok(a), Ok(b)) => a.partial_cmp(&b),
                    _ => fact.partial_cmp(value),
                }
            } else {
                fact.partial_cmp(value)
            };
            let Some(ord) = ord else { return false };
            use std::cmp::Ordering::*;
            match operator {
                "<=" => ord != Greater,
                ">=" => ord != Less,
                "<" => ord == Less,
                ">" => ord == Greater,
                _ => ord != Equal,
            }
        }
        _ => false,
    }
}

/// `Matcher.eval_compound_statement`: a class, a `/regex/` class, or a fact comparison.
fn eval_statement(s: &str, node: &NodeView) -> bool {
    if s.starts_with('/') {
        return has_class(node, s);
    }
    let ops = static_regex!(r">=|<=|=|<|>");
    if let Some(m) = ops.find(s) {
        let name = &s[..m.start()];
        let value = &s[m.end()..];
        let op = if value.starts_with('/') {
            "=~"
        } else if m.as_str() == "=" {
            "=="
        } else {
            m.as_str()
        };
        return has_fact(node, name, value, op);
    }
    has_class(node, s)
}

/// Evaluates tokens with Ruby's precedence (`!` over `&&` over `||`).
fn eval_tokens(tokens: &[Token], node: &NodeView) -> Result<bool, String> {
    let mut pos = 0;
    let v = eval_or(tokens, &mut pos, node)?;
    if pos != tokens.len() {
        return Err(format!("unexpected {:?}", tokens[pos]));
    }
    Ok(v)
}

fn eval_or(t: &[Token], pos: &mut usize, node: &NodeView) -> Result<bool, String> {
    let mut v = eval_and(t, pos, node)?;
    while t.get(*pos) == Some(&Token::Or) {
        *pos += 1;
        let r = eval_and(t, pos, node)?;
        v = v || r;
    }
    Ok(v)
}

fn eval_and(t: &[Token], pos: &mut usize, node: &NodeView) -> Result<bool, String> {
    let mut v = eval_not(t, pos, node)?;
    while t.get(*pos) == Some(&Token::And) {
        *pos += 1;
        let r = eval_not(t, pos, node)?;
        v = v && r;
    }
    Ok(v)
}

fn eval_not(t: &[Token], pos: &mut usize, node: &NodeView) -> Result<bool, String> {
    match t.get(*pos) {
        Some(Token::Not) => {
            *pos += 1;
            Ok(!eval_not(t, pos, node)?)
        }
        Some(Token::Open) => {
            *pos += 1;
            let v = eval_or(t, pos, node)?;
            if t.get(*pos) != Some(&Token::Close) {
                return Err("missing )".into());
            }
            *pos += 1;
            Ok(v)
        }
        Some(Token::Statement(s)) => {
            *pos += 1;
            Ok(eval_statement(s, node))
        }
        Some(other) => Err(format!("unexpected {other:?}")),
        None => Err("the expression ends early".into()),
    }
}

/// Flattens structured facts into dotted names beside the top-level ones (`os.family`), so a
/// filter can reach into facter 4's structured facts.
pub fn flatten_facts(
    facts: &serde_json::Map<String, serde_json::Value>,
) -> BTreeMap<String, serde_json::Value> {
    fn walk(
        prefix: &str,
        v: &serde_json::Value,
        out: &mut BTreeMap<String, serde_json::Value>,
        depth: usize,
    ) {
        out.insert(prefix.to_string(), v.clone());
        if depth > 8 {
            return;
        }
        if let serde_json::Value::Object(map) = v {
            for (k, child) in map {
                walk(&format!("{prefix}.{k}"), child, out, depth + 1);
            }
        }
    }
    let mut out = BTreeMap::new();
    for (k, v) in facts {
        walk(k, v, &mut out, 0);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn node() -> NodeView {
        let facts = json!({"os": {"family": "Debian", "release": {"major": "12"}}, "kernel": "Linux",
            "processorcount": 8, "memsize": "7.5", "roles": ["web", "db"]});
        NodeView {
            identity: "web1.example.com".into(),
            facts: std::sync::Arc::new(flatten_facts(facts.as_object().unwrap())),
            classes: vec!["apache".into(), "apache::mod::ssl".into(), "settings".into()],
            agents: vec!["rpcutil".into(), "puppet".into()],
        }
    }

    #[test]
    fn fact_strings_parse_as_mcollective() {
        assert_eq!(parse_fact("kernel=Linux").unwrap().operator, "==");
        assert_eq!(parse_fact("kernel=/lin/").unwrap().operator, "=~");
        assert_eq!(parse_fact("x=>3").unwrap().operator, ">=");
        assert_eq!(parse_fact("x=<3").unwrap().operator, "<=");
        assert_eq!(
            parse_fact("x != 3").unwrap(),
            FactFilter { fact: "x".into(), value: "3".into(), operator: "!=".into() }
        );
        assert!(parse_fact("nothing").is_err());
    }

    #[test]
    fn filters_match_like_mcollective() {
        let n = node();
        let mut f = Filter::default();
        assert!(f.matches(&n));
        f.fact.push(parse_fact("os.family=Debian").unwrap());
        f.fact.push(parse_fact("processorcount>4").unwrap());
        f.fact.push(parse_fact("memsize<10.5").unwrap());
        f.fact.push(parse_fact("roles=db").unwrap());
        assert!(f.matches(&n));
        f.fact.push(parse_fact("processorcount>10").unwrap());
        assert!(!f.matches(&n));
        let mut f = Filter {
            cf_class: vec!["/mod::ssl/".into()],
            identity: vec!["nope".into(), "/^web/".into()],
            ..Filter::default()
        };
        assert!(f.matches(&n));
        f.agent.push("service".into());
        assert!(!f.matches(&n));
    }

    #[test]
    fn compound_expressions() {
        let n = node();
        let ok =
            |s: &str| Filter { compound: vec![parse_compound(s).unwrap()], ..Filter::default() }.matches(&n);
        assert!(ok("apache and kernel=Linux"));
        assert!(ok("not nginx and (os.family=RedHat or os.family=Debian)"));
        assert!(!ok("apache and !settings"));
        assert!(ok("/^apache::/ or nothing"));
        assert!(parse_compound("apache and").is_err());
    }

    #[test]
    fn filter_round_trips_through_the_wire_form() {
        let f = Filter {
            fact: vec![parse_fact("a=b").unwrap()],
            cf_class: vec!["x".into()],
            agent: vec!["rpcutil".into()],
            identity: vec!["n1".into()],
            compound: vec![parse_compound("x and (a=b or not c)").unwrap()],
        };
        let text = crate::rvalue::dump(&f.to_rvalue());
        assert_eq!(Filter::from_rvalue(&crate::rvalue::load(&text).unwrap()).unwrap(), f);
    }
}
