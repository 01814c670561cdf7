//! Charts as inline SVG, drawn on the server so that they need no JavaScript and show in any
//! browser, in screenshots and in `curl` output alike.

use maud::{html, Markup};

use crate::store::{ReportRow, RunBucket};
use crate::web::layout::iso;

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 180.0;
const AXIS: f64 = 20.0;

/// The colours of the run states, shared with the page CSS.
pub fn color(state: &str) -> &'static str {
    match state {
        "failed" => "#d9534f",
        "changed" => "#f0ad4e",
        "noop" | "noop_pending" => "#5bc0de",
        "unchanged" => "#5cb85c",
        "unresponsive" => "#777777",
        _ => "#bbbbbb",
    }
}

/// Runs per hour, stacked by outcome (failed at the bottom, where the eye starts).
pub fn runs_over_time(buckets: &[RunBucket]) -> Markup {
    let max = buckets.iter().map(RunBucket::total).max().unwrap_or(0).max(1) as f64;
    let slot = WIDTH / buckets.len().max(1) as f64;
    let bar = (slot * 0.8).max(1.0);
    let plot = HEIGHT - AXIS;
    html! {
        svg class="chart runs-over-time" xmlns="http://www.w3.org/2000/svg" width=(WIDTH) height=(HEIGHT)
            viewBox=(format!("0 0 {WIDTH} {HEIGHT}")) role="img" aria-label="Runs over time by state" {
            line x1="0" y1=(plot) x2=(WIDTH) y2=(plot) stroke="#999" {}
            @for (i, b) in buckets.iter().enumerate() {
                @let x = i as f64 * slot + (slot - bar) / 2.0;
                g class="bar" data-start=(b.start) data-total=(b.total()) {
                    title { (iso(b.start)) ": " (b.failed) " failed, " (b.changed) " changed, " (b.noop) " noop, " (b.unchanged) " unchanged" }
                    @let mut y = plot;
                    @for (state, n) in [("failed", b.failed), ("changed", b.changed), ("noop", b.noop), ("unchanged", b.unchanged)] {
                        @if n > 0 {
                            @let h = n as f64 / max * (plot - 4.0);
                            @let top = { y -= h; y };
                            rect class=(format!("seg {state}")) x=(fmt(x)) y=(fmt(top)) width=(fmt(bar)) height=(fmt(h)) fill=(color(state)) {}
                        }
                    }
                }
                @if i % 3 == 0 {
                    text x=(fmt(x)) y=(HEIGHT - 5.0) font-size="10" fill="#555" { (hour_label(b.start)) }
                }
            }
            text x="2" y="12" font-size="10" fill="#555" { "max " (max as i64) " runs/h" }
        }
    }
}

/// A node's recent runs, oldest left: bar height is the run's duration, colour its outcome, and
/// each bar links to its report.
pub fn node_history(reports: &[ReportRow]) -> Markup {
    let runs: Vec<&ReportRow> = reports.iter().rev().collect();
    let max = runs.iter().map(|r| r.time_total).fold(0.0f64, f64::max).max(0.001);
    let slot = WIDTH / runs.len().max(1) as f64;
    let bar = (slot * 0.8).clamp(1.0, 40.0);
    let plot = HEIGHT - AXIS;
    html! {
        svg class="chart node-history" xmlns="http://www.w3.org/2000/svg" width=(WIDTH) height=(HEIGHT)
            viewBox=(format!("0 0 {WIDTH} {HEIGHT}")) role="img" aria-label="Run history" {
            line x1="0" y1=(plot) x2=(WIDTH) y2=(plot) stroke="#999" {}
            @for (i, r) in runs.iter().enumerate() {
                @let state = if r.status == "failed" { "failed" } else if r.noop_pending { "noop" } else { r.status.as_str() };
                @let h = (r.time_total / max * (plot - 4.0)).max(2.0);
                a href=(format!("/reports/{}", r.id)) {
                    rect class=(format!("run {state}")) x=(fmt(i as f64 * slot)) y=(fmt(plot - h)) width=(fmt(bar)) height=(fmt(h)) fill=(color(state)) {
                        title { (iso(r.time)) ": " (r.status) ", " (format!("{:.2}", r.time_total)) " s" }
                    }
                }
            }
            text x="2" y="12" font-size="10" fill="#555" { "max " (format!("{max:.2}")) " s" }
        }
    }
}

/// Horizontal bars, one per (label, seconds): time per resource type or per phase.
pub fn time_bars(items: &[(String, f64)]) -> Markup {
    let max = items.iter().map(|(_, v)| *v).fold(0.0f64, f64::max).max(0.000_001);
    let row = 18.0;
    let height = row * items.len() as f64 + 4.0;
    html! {
        svg class="chart time-bars" xmlns="http://www.w3.org/2000/svg" width=(WIDTH) height=(fmt(height)) role="img" aria-label="Time" {
            @for (i, (label, v)) in items.iter().enumerate() {
                @let y = i as f64 * row + 2.0;
                text x="0" y=(fmt(y + 12.0)) font-size="11" { (label) }
                rect x="180" y=(fmt(y)) width=(fmt((v / max * (WIDTH - 260.0)).max(1.0))) height="14" fill="#337ab7" {}
                text x=(fmt(180.0 + v / max * (WIDTH - 260.0) + 4.0)) y=(fmt(y + 12.0)) font-size="11" { (format!("{v:.4}")) " s" }
            }
        }
    }
}

fn fmt(v: f64) -> String {
    format!("{v:.1}")
}

fn hour_label(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms).map(|t| t.format("%H:00").to_string()).unwrap_or_default()
}
