//! ERB templates as Puppet renders them (`ERB.new(text, trim_mode: '-')`), with a Ruby-subset
//! interpreter. A construct outside the subset is an error naming the line and the construct.

mod interp;
mod lexer;
mod parser;

use std::path::Path;

use crate::value::Value;

/// What a template can see: the compiler's variables and functions.
pub trait Host {
    /// A variable by name (`x` or `a::b::x`); `None` when undefined.
    fn variable(&mut self, name: &str) -> Option<Value>;
    /// Calls a Puppet function.
    fn call_function(&mut self, name: &str, args: Vec<Value>) -> Result<Value, String>;
    /// The classes declared so far (`classes`).
    fn classes(&self) -> Vec<String>;
}

/// A template that failed to parse or run.
#[derive(Debug, Clone, PartialEq)]
pub struct ErbError {
    pub message: String,
    pub line: usize,
}

/// Renders `text` (read from `path`) with Puppet's trim mode `-`.
pub fn render(_path: &Path, text: &str, host: &mut dyn Host) -> Result<String, ErbError> {
    run(&compile(text)?, host)
}

/// A template scanned and parsed, ready to run any number of times.
pub struct Program {
    body: Vec<parser::Node>,
    locals: std::collections::HashSet<String>,
    texts: Vec<String>,
}

/// Scans and parses a template (what `render` does before running it).
pub fn compile(text: &str) -> Result<Program, ErbError> {
    let (source, texts) = scan(text)?;
    let (body, locals) = parser::parse(&source)?;
    Ok(Program { body, locals, texts })
}

/// Runs a compiled template against `host`.
pub fn run(program: &Program, host: &mut dyn Host) -> Result<String, ErbError> {
    let mut it = interp::Interp::new(host, program.texts.clone());
    it.declare_locals(program.locals.clone());
    it.run(&program.body)?;
    Ok(it.out)
}

/// Checks that `text` is inside the Ruby subset (scanned and parsed, not run): the constructs a
/// template uses, whatever its variables hold.
pub fn check(text: &str) -> Result<(), ErbError> {
    let (source, _) = scan(text)?;
    parser::parse(&source).map(|_| ())
}

/// Turns a template into Ruby source: text runs become `\x01N\x01` markers (their line breaks
/// kept, so lines match the template), `<%= e %>` becomes `\x02 e \x03`, code stays as it is.
fn scan(text: &str) -> Result<(String, Vec<String>), ErbError> {
    let mut source = String::new();
    let mut texts: Vec<String> = Vec::new();
    let mut pending = String::new();
    let mut rest = text;
    let mut line = 1;
    fn flush(pending: &mut String, source: &mut String, texts: &mut Vec<String>) {
        if pending.is_empty() {
            return;
        }
        let nl = pending.matches('\n').count();
        source.push_str(&format!(";\x01{}\x01;", texts.len()));
        source.push_str(&"\n".repeat(nl));
        texts.push(std::mem::take(pending));
    }
    while !rest.is_empty() {
        let Some(open) = rest.find("<%") else {
            pending.push_str(rest);
            break;
        };
        let before = &rest[..open];
        let after = &rest[open..];
        if let Some(after_literal) = after.strip_prefix("<%%") {
            pending.push_str(before);
            pending.push_str("<%");
            line += before.matches('\n').count();
            rest = after_literal;
            continue;
        }
        let mut before = before.to_string();
        if after.starts_with("<%-") {
            // `<%-` at the start of a line (after indentation only) removes the indentation.
            let line_start = format!("{pending}{before}").rfind('\n').map(|i| i + 1);
            let whole = format!("{pending}{before}");
            let start = line_start.unwrap_or(0);
            if whole[start..].chars().all(|c| c == ' ' || c == '\t') {
                let keep = whole.len() - (whole.len() - start);
                pending = whole[..keep].to_string();
                before.clear();
            }
        }
        line += before.matches('\n').count();
        pending.push_str(&before);
        let body_start = if after.starts_with("<%-") { 3 } else { 2 };
        let Some(close) = after[body_start..].find("%>") else {
            return Err(ErbError { message: "unterminated ERB tag".into(), line });
        };
        let mut body = &after[body_start..body_start + close];
        let mut consumed = body_start + close + 2;
        let trim = body.ends_with('-');
        if trim {
            body = &body[..body.len() - 1];
            if after[consumed..].starts_with('\n') {
                consumed += 1;
            } else if after[consumed..].starts_with("\r\n") {
                consumed += 2;
            }
        }
        flush(&mut pending, &mut source, &mut texts);
        let tag_lines = body.matches('\n').count();
        if let Some(comment) = body.strip_prefix('#') {
            source.push_str(&"\n".repeat(comment.matches('\n').count()));
        } else if let Some(expr) = body.strip_prefix('=') {
            source.push('\x02');
            source.push_str(&expr.replace("%%>", "%>"));
            source.push('\x03');
        } else {
            source.push_str(&body.replace("%%>", "%>"));
            source.push(if body.contains('#') { '\n' } else { ';' });
        }
        line += tag_lines;
        if trim && after[..consumed].ends_with('\n') {
            // The eaten line break still counts for the lines of what follows.
            source.push('\n');
            line += 1;
        }
        rest = &after[consumed..];
    }
    flush(&mut pending, &mut source, &mut texts);
    Ok((source, texts))
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Vars;
    impl Host for Vars {
        fn variable(&mut self, name: &str) -> Option<Value> {
            match name {
                "servers" => Some(Value::Array(vec![Value::Str("a".into()), Value::Str("b".into())])),
                "port" => Some(Value::Int(123)),
                "opts" => Some(Value::Hash(
                    [(Value::Str("k".into()), Value::Str("v".into()))].into_iter().collect(),
                )),
                _ => None,
            }
        }
        fn call_function(&mut self, name: &str, args: Vec<Value>) -> Result<Value, String> {
            Ok(Value::Str(format!("{name}({})", args.len())))
        }
        fn classes(&self) -> Vec<String> {
            Vec::new()
        }
    }

    fn r(t: &str) -> String {
        render(Path::new("t.erb"), t, &mut Vars)
            .unwrap_or_else(|e| format!("ERR line {}: {}", e.line, e.message))
    }

    #[test]
    fn renders_the_common_subset() {
        assert_eq!(
            r("<% @servers.each do |s| -%>\nserver <%= s %> iburst\n<% end -%>\n"),
            "server a iburst\nserver b iburst\n"
        );
        assert_eq!(r("port=<%= @port %>\n<%# note %>x"), "port=123\nx");
        assert_eq!(r("  <%- if @missing.nil? -%>\nnil\n  <%- end -%>\n"), "nil\n");
        assert_eq!(r("<%= @opts.map { |k, v| \"#{k}=#{v}\" }.join(',') %>"), "k=v");
        assert_eq!(r("<%= scope.function_versioncmp(['1', '2']) %>"), "versioncmp(2)");
        assert_eq!(r("<%= @port > 100 ? 'big' : 'small' %>"), "big");
        assert_eq!(r("<% x = [] ; x << 1 ; x << 2 -%><%= x.inspect %>"), "[1, 2]");
        assert_eq!(r("<% def yn(v)\n v ? 'yes' : 'no'\n end -%><%= yn(true) %> <%= yn(nil) %>"), "yes no");
        assert_eq!(r("<% x = 1 if false -%>[<%= x.inspect %>]"), "[nil]");
        assert_eq!(r("<% h = Hash.new; [5].map.each_with_index { |e, i| h[i] = e } -%><%= h[0] %>"), "5");
        assert!(r("<% class Foo; end %>").starts_with("ERR line 1"));
        // collectd's curl_json.conf.erb: a method with `rescue` and `return`, JSON.parse, gsub!
        // answering nil when nothing changed, and a look-behind.
        let json =
            "<% def ok?(j)\n JSON.parse(j)\n return true\n rescue JSON::ParserError\n return false\n end -%>";
        assert_eq!(r(&format!("{json}<%= ok?('[1]') %> <%= ok?('x{{') %>")), "true false");
        assert_eq!(
            r("<%= 'a\"b'.gsub!(%r{(?<!\\\\)\"}, 'Q') %>|<%= 'ab'.gsub!('z', 'y').inspect %>"),
            "aQb|nil"
        );
        assert_eq!(r("<% begin\n x = nil.foo\n rescue => e\n %>caught<% end %>"), "caught");
        assert!(r("<% begin\n JSON.parse('x')\n rescue TypeError\n end %>").starts_with("ERR line 2"));
    }
}
