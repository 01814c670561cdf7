//! EPP: Puppet code inside text. A template becomes Puppet source that the ordinary parser
//! reads: each text run is a call `bunraku_epp_text(N)` (N indexes [`EppProgram::texts`]) and
//! each `<%= e %>` is `bunraku_epp_out((e))`; the evaluator appends both to the output. Text runs
//! keep their line breaks in the generated source, so errors point at the template's lines.

/// A template translated to Puppet source.
#[derive(Debug, Clone)]
pub struct EppProgram {
    /// The body as Puppet source.
    pub source: String,
    /// The literal text runs, by index.
    pub texts: Vec<String>,
    /// The parameter header (`|String $x, $y = 1|`) as a parameter list without the bars, and
    /// the number of newlines before it (for locations).
    pub params: Option<String>,
}

/// A template that does not lex, with its 1-based line and column.
#[derive(Debug, Clone, PartialEq)]
pub struct EppError {
    pub message: String,
    pub line: usize,
    pub column: usize,
}

fn location(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.len() - before.rfind('\n').map(|i| i + 1).unwrap_or(0) + 1;
    (line, column)
}

/// Translates an EPP template.
pub fn translate(template: &str) -> Result<EppProgram, EppError> {
    let mut source = String::new();
    let mut texts: Vec<String> = Vec::new();
    let mut params = None;
    let mut text = String::new();
    let mut pos = 0;
    let bytes = template.as_bytes();
    // Trimming from a preceding `-%>` applies to the text right after it.
    let mut trim_next_newline = false;
    let mut seen_code = false;
    let flush = |text: &mut String, source: &mut String, texts: &mut Vec<String>| {
        if text.is_empty() {
            return;
        }
        let newlines = text.matches('\n').count();
        source.push_str(&format!("bunraku_epp_text({})", texts.len()));
        source.push_str(&"\n".repeat(newlines));
        source.push(';');
        texts.push(std::mem::take(text));
    };
    while pos < bytes.len() {
        let rest = &template[pos..];
        if trim_next_newline {
            trim_next_newline = false;
            let ws = rest.len() - rest.trim_start_matches([' ', '\t']).len();
            let after = &rest[ws..];
            // Puppet skips the blanks after `-%>` even when no newline follows
            // (`<% } -%> <%= $x %>` renders no space before `$x`).
            pos += ws;
            if let Some(n) =
                after.strip_prefix("\r\n").map(|_| 2).or_else(|| after.strip_prefix('\n').map(|_| 1))
            {
                pos += n;
                // The newline still counts for line numbers of what follows.
                source.push('\n');
            }
            continue;
        }
        let rest = &template[pos..];
        let Some(open) = rest.find("<%") else {
            text.push_str(rest);
            break;
        };
        text.push_str(&rest[..open]);
        let tag = &rest[open..];
        if tag.starts_with("<%%") {
            text.push_str("<%");
            pos += open + 3;
            continue;
        }
        let tag_start = pos + open;
        let (trim_left, kind_at) = if tag.starts_with("<%-") { (true, 3) } else { (false, 2) };
        if trim_left {
            // `<%-` removes spaces and tabs before it on its line.
            let kept = text.trim_end_matches([' ', '\t']).len();
            if text[..kept].is_empty() || text[..kept].ends_with('\n') {
                text.truncate(kept);
            }
        }
        let body_start = tag_start + kind_at;
        let Some(close_rel) = template[body_start..].find("%>") else {
            if template[body_start..].starts_with('#') {
                // Puppet's EPP_UNBALANCED_COMMENT, at the `#`.
                let (line, column) = location(template, body_start);
                return Err(EppError {
                    message: "Reaching end after opening <%# without seeing %>".into(),
                    line,
                    column,
                });
            }
            // Puppet reports where the input ended.
            let (line, column) = location(template, template.len());
            return Err(EppError {
                message: "Unbalanced epp tag, reached <eof> without closing tag.".into(),
                line,
                column,
            });
        };
        let mut body_end = body_start + close_rel;
        let trim_right = body_end > body_start && bytes[body_end - 1] == b'-';
        if trim_right {
            body_end -= 1;
        }
        let body = &template[body_start..body_end];
        pos = body_start + close_rel + 2;
        trim_next_newline = trim_right;
        if let Some(comment) = body.strip_prefix('#') {
            // A comment keeps its line breaks for locations.
            flush(&mut text, &mut source, &mut texts);
            source.push_str(&"\n".repeat(comment.matches('\n').count()));
            continue;
        }
        flush(&mut text, &mut source, &mut texts);
        if let Some(expr) = body.strip_prefix('=') {
            source.push_str("bunraku_epp_out((");
            source.push_str(expr);
            source.push_str("));");
            seen_code = true;
            continue;
        }
        let trimmed = body.trim();
        if !seen_code && texts.is_empty() && params.is_none() && trimmed.starts_with('|') {
            let inner = trimmed.trim_start_matches('|');
            let Some(end) = inner.rfind('|') else {
                let (line, column) = location(template, tag_start);
                return Err(EppError { message: "Unterminated EPP parameter list".into(), line, column });
            };
            params = Some(inner[..end].to_string());
            source.push_str(&"\n".repeat(body.matches('\n').count()));
            seen_code = true;
            continue;
        }
        seen_code = true;
        source.push_str(body);
        source.push('\n');
        // The pushed newline is extra: remove it from the count by not adding one for the tag end.
        source.pop();
        source.push(' ');
    }
    flush(&mut text, &mut source, &mut texts);
    // `%%>` in text is a literal `%>`.
    for t in &mut texts {
        if t.contains("%%>") {
            *t = t.replace("%%>", "%>");
        }
    }
    Ok(EppProgram { source, texts, params })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_translates() {
        let p = translate("<%- | $x | -%>\na <%= $x %>\n  <%- if true { -%>\nyes\n<% } -%>\nend\n").unwrap();
        assert_eq!(p.params.as_deref(), Some(" $x "));
        assert_eq!(p.texts, ["a ", "\n", "yes\n", "end\n"]);
    }
}
