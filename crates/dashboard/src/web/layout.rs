//! The frame every page shares: navigation, styles, and the few lines of script that show times
//! in the browser's zone (the page reads fine without it: times are then UTC).

use maud::{html, Markup, PreEscaped, DOCTYPE};

use crate::store::SessionInfo;

/// Milliseconds since the epoch as UTC ISO 8601 (`2026-11-27T05:02:15Z`).
pub fn iso(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_else(|| ms.to_string())
}

/// A `<time>` element: UTC in the markup, the browser's zone once the script has run.
pub fn time(ms: i64) -> Markup {
    html! { time datetime=(iso(ms)) { (iso(ms).replace('T', " ").replace('Z', " UTC")) } }
}

/// An optional time, or a dash.
pub fn maybe_time(ms: Option<i64>) -> Markup {
    match ms {
        Some(ms) => time(ms),
        None => html! { "—" },
    }
}

/// A node's name as a link to its page.
pub fn node_link(name: &str) -> Markup {
    let href: String =
        percent_encoding::utf8_percent_encode(name, percent_encoding::NON_ALPHANUMERIC).to_string();
    html! { a href=(format!("/nodes/{href}")) { (name) } }
}

/// A state badge.
pub fn badge(state: &str) -> Markup {
    html! { span class=(format!("badge {state}")) { (state.replace('_', " ")) } }
}

const STYLE: &str = r#"
body{font-family:system-ui,sans-serif;margin:0;color:#222;background:#fafafa}
header{background:#2c3e50;color:#fff;padding:.5em 1em;display:flex;gap:1.5em;align-items:center}
header a{color:#fff;text-decoration:none;font-weight:600}
header .user{margin-left:auto;font-weight:normal}
header form{display:inline}
main{padding:1em 1.5em;max-width:1200px}
table{border-collapse:collapse;width:100%;background:#fff;margin-bottom:1em}
th,td{border-bottom:1px solid #ddd;padding:.3em .5em;text-align:left;vertical-align:top;overflow-wrap:anywhere}
td code{word-break:break-all}
th a{color:inherit}
.counts{display:flex;gap:1em;flex-wrap:wrap;margin:1em 0}
.count{background:#fff;border:1px solid #ddd;border-left:6px solid #bbb;padding:.5em 1em;min-width:8em;text-decoration:none;color:inherit}
.count .n{font-size:2em;display:block}
.count.failed,.badge.failed{border-color:#d9534f}.count.changed,.badge.changed{border-color:#f0ad4e}
.count.unchanged,.badge.unchanged{border-color:#5cb85c}.count.noop_pending,.badge.noop_pending,.badge.noop{border-color:#5bc0de}
.count.unresponsive,.badge.unresponsive{border-color:#777}.count.unreported,.badge.unreported{border-color:#bbb}
.badge{border-left:4px solid #bbb;padding:0 .4em;background:#f3f3f3}
pre{background:#f6f8fa;padding:.5em;overflow:auto;max-height:30em}
pre.diff .add{color:#22863a;background:#f0fff4;display:block}pre.diff .del{color:#b31d28;background:#ffeef0;display:block}
.level-err,.level-alert,.level-emerg,.level-crit{color:#b31d28;font-weight:600}.level-warning{color:#a66f00}
.legend span{margin-right:1em}.legend i{display:inline-block;width:.8em;height:.8em;margin-right:.3em}
form.filters{display:flex;gap:.5em;flex-wrap:wrap;margin:.5em 0}
.error{color:#b31d28}
"#;

const LOCAL_TIME_SCRIPT: &str = r#"
document.querySelectorAll('time[datetime]').forEach(function(t){var d=new Date(t.getAttribute('datetime'));if(!isNaN(d)){t.title=t.textContent;t.textContent=d.toLocaleString();}});
"#;

/// A whole page.
pub fn page(title: &str, session: Option<&SessionInfo>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " — Bunraku dashboard" }
                style { (PreEscaped(STYLE)) }
            }
            body {
                header {
                    a href="/" { "Bunraku" }
                    a href="/" { "Overview" }
                    a href="/nodes" { "Nodes" }
                    a href="/failures" { "Failures" }
                    @if let Some(s) = session {
                        @if s.user.role == crate::store::Role::Admin { a href="/users" { "Users" } }
                        span class="user" {
                            (s.user.name) " (" (s.user.role.as_str()) ") "
                            form method="post" action="/logout" {
                                input type="hidden" name="csrf" value=(s.csrf);
                                button type="submit" { "Log out" }
                            }
                        }
                    }
                }
                main { h1 { (title) } (body) }
                script { (PreEscaped(LOCAL_TIME_SCRIPT)) }
            }
        }
    }
}

/// A unified diff with added and removed lines marked.
pub fn diff(text: &str) -> Markup {
    html! {
        pre class="diff" {
            @for line in text.lines() {
                @if line.starts_with('+') && !line.starts_with("+++") { span class="add" { (line) } }
                @else if line.starts_with('-') && !line.starts_with("---") { span class="del" { (line) } }
                @else { (line) "\n" }
            }
        }
    }
}
