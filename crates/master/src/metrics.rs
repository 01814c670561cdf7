//! Prometheus metrics of the master, served on `GET /metrics` (OpenMetrics text): requests by
//! status, compile times and failures, the compile queue, and agent runs by the status their
//! reports give. puppetserver's own metrics are JMX/Graphite; these are named for Bunraku.

use std::sync::atomic::AtomicU64;
use std::time::Duration;

use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

type Labels = Vec<(&'static str, String)>;

/// The master's metrics; cheap to update from any request (atomics).
pub struct Metrics {
    registry: Registry,
    requests: Family<Labels, Counter>,
    compile_seconds: Histogram,
    compile_failures: Counter,
    compiles_waiting: Gauge<i64, std::sync::atomic::AtomicI64>,
    compiles_running: Gauge<i64, std::sync::atomic::AtomicI64>,
    runs: Family<Labels, Counter>,
}

/// Holds a place in the compile queue or slot count; gives it back when dropped.
pub struct InGauge<'a>(&'a Gauge<i64, std::sync::atomic::AtomicI64>);

impl Drop for InGauge<'_> {
    fn drop(&mut self) {
        self.0.dec();
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    /// The metrics, registered under the `bunraku_master_` prefix.
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("bunraku_master");
        let requests = Family::<Labels, Counter>::default();
        registry.register("http_requests", "HTTP requests answered, by status code", requests.clone());
        // 10 ms to ~82 s: a catalog takes tens of milliseconds to tens of seconds.
        let compile_seconds =
            Histogram::new([0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0]);
        registry.register("compile_duration_seconds", "Time to compile a catalog", compile_seconds.clone());
        let compile_failures = Counter::<u64, AtomicU64>::default();
        registry.register("compile_failures", "Compiles that ended in an error", compile_failures.clone());
        let compiles_waiting = Gauge::default();
        registry.register(
            "compiles_waiting",
            "Catalog requests waiting for a compile slot (the queue)",
            compiles_waiting.clone(),
        );
        let compiles_running = Gauge::default();
        registry.register("compiles_running", "Compiles running now", compiles_running.clone());
        let runs = Family::<Labels, Counter>::default();
        registry.register(
            "agent_runs",
            "Agent runs reported, by the report's status (changed, unchanged, failed)",
            runs.clone(),
        );
        Metrics {
            registry,
            requests,
            compile_seconds,
            compile_failures,
            compiles_waiting,
            compiles_running,
            runs,
        }
    }

    /// Counts an answered request.
    pub fn request(&self, status: u16) {
        self.requests.get_or_create(&vec![("code", status.to_string())]).inc();
    }

    /// A catalog request joins the queue for a compile slot.
    pub fn queued(&self) -> InGauge<'_> {
        self.compiles_waiting.inc();
        InGauge(&self.compiles_waiting)
    }

    /// Catalog requests waiting for a compile slot now.
    pub fn waiting(&self) -> i64 {
        self.compiles_waiting.get()
    }

    /// A compile starts.
    pub fn compiling(&self) -> InGauge<'_> {
        self.compiles_running.inc();
        InGauge(&self.compiles_running)
    }

    /// A compile ended after `took`, in success or not.
    pub fn compiled(&self, took: Duration, ok: bool) {
        self.compile_seconds.observe(took.as_secs_f64());
        if !ok {
            self.compile_failures.inc();
        }
    }

    /// A report arrived with this run status.
    pub fn run(&self, status: &str) {
        self.runs.get_or_create(&vec![("status", status.to_string())]).inc();
    }

    /// The OpenMetrics text of every metric.
    pub fn render(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = encode(&mut out, &self.registry);
        out
    }
}

/// The content type of [`Metrics::render`]'s text.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_what_was_counted() {
        let m = Metrics::new();
        m.request(200);
        m.request(200);
        m.request(404);
        {
            let _q = m.queued();
            let _r = m.compiling();
            assert!(m.render().contains("bunraku_master_compiles_running 1\n"));
        }
        m.compiled(Duration::from_millis(30), true);
        m.compiled(Duration::from_millis(3), false);
        m.run("changed");
        let text = m.render();
        for line in [
            "bunraku_master_http_requests_total{code=\"200\"} 2\n",
            "bunraku_master_http_requests_total{code=\"404\"} 1\n",
            "bunraku_master_compiles_waiting 0\n",
            "bunraku_master_compiles_running 0\n",
            "bunraku_master_compile_duration_seconds_count 2\n",
            "bunraku_master_compile_duration_seconds_bucket{le=\"0.01\"} 1\n",
            "bunraku_master_compile_duration_seconds_bucket{le=\"0.05\"} 2\n",
            "bunraku_master_compile_failures_total 1\n",
            "bunraku_master_agent_runs_total{status=\"changed\"} 1\n",
        ] {
            assert!(text.contains(line), "{line:?} in:\n{text}");
        }
        assert!(text.ends_with("# EOF\n"));
    }
}
