//! The bridge to a real Ruby (CRuby) for the Ruby that Puppet modules carry: ERB templates,
//! functions written against Puppet's 3.x and 4.x APIs, resource types' metadata from
//! `lib/puppet/type`, and custom facts from `lib/facter`.
//!
//! Ruby runs in worker processes (`ruby --disable-gems`) that load a shim of Puppet's Ruby API
//! (`ruby/*.rb`, embedded in the binary) and speak a framed Marshal protocol over pipes. Why
//! processes rather than an interpreter embedded in ours (measured in docs/ARCHITECTURE.md): a
//! runaway template is stopped by a signal and, failing that, killed, without harming the master;
//! a crash in a C extension takes one worker down, not the process; and compiles on several cores
//! run Ruby at once instead of queueing behind one interpreter lock.
//!
//! A compile opens a [`Session`]: no process is started until Ruby is first needed (manifests
//! without Ruby pay nothing), then one worker serves the whole compile and returns to the pool.
//! Ruby code calls back into the compiler through [`Host`] (variables, Puppet functions, lambdas,
//! the type system), and the compiler may call Ruby again from inside a callback: the protocol is
//! a stack on both sides.

mod error;
pub mod facter;
pub mod marshal;
mod value;
mod worker;

use std::cell::{Cell, RefCell};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

pub use error::{frame_location, RubyError};
pub use value::{ruby_type_class, TypeRef, Value};

use marshal::Raw;
use worker::{str, Worker};

/// How workers are started and limited.
#[derive(Debug, Clone)]
pub struct Config {
    /// The Ruby interpreter (Puppet 7 on Debian runs on Ruby 3.1).
    pub ruby: PathBuf,
    /// Time a single call may spend running Ruby (callbacks into the compiler not counted).
    pub call_timeout: Duration,
    /// Time a worker may take to start and load the shim.
    pub boot_timeout: Duration,
    /// The data segment limit of each worker (`RLIMIT_DATA`), so a template that allocates
    /// without end fails instead of exhausting the machine.
    pub memory_limit: Option<usize>,
    /// Idle workers kept for the next compile.
    pub max_idle: usize,
    /// Calls after which a worker is replaced (module code may leak).
    pub max_calls: u64,
}

impl Default for Config {
    fn default() -> Self {
        let ruby = std::env::var_os("BUNRAKU_RUBY").map(PathBuf::from).unwrap_or_else(default_ruby);
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        Config {
            ruby,
            call_timeout: Duration::from_secs(30),
            boot_timeout: Duration::from_secs(30),
            memory_limit: Some(2 << 30),
            max_idle: cores.max(2),
            max_calls: 100_000,
        }
    }
}

/// `ruby` on the PATH, else Debian's `ruby3.1`.
fn default_ruby() -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        let candidate = dir.join("ruby");
        if candidate.is_file() {
            return candidate;
        }
    }
    PathBuf::from("/usr/bin/ruby3.1")
}

/// The pool of workers of one process.
pub struct Bridge {
    config: Config,
    idle: Mutex<Vec<Worker>>,
    /// Workers being started in the background ([`Bridge::warm_up`]), and the signal that one
    /// is ready.
    warming: Mutex<usize>,
    warmed: std::sync::Condvar,
    started: AtomicU64,
    calls: AtomicU64,
    /// Nanoseconds spent waiting for Ruby, all sessions together.
    ruby_nanos: AtomicU64,
}

/// Counters for benchmarks and `/status`: how much work went to Ruby.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    pub workers_started: u64,
    pub calls: u64,
    pub ruby_time: Duration,
}

static GLOBAL: OnceLock<Bridge> = OnceLock::new();

impl Bridge {
    /// A bridge with its own pool (tests; the process normally uses [`Bridge::global`]).
    pub fn new(config: Config) -> Bridge {
        Bridge {
            config,
            idle: Mutex::new(Vec::new()),
            warming: Mutex::new(0),
            warmed: std::sync::Condvar::new(),
            started: AtomicU64::new(0),
            calls: AtomicU64::new(0),
            ruby_nanos: AtomicU64::new(0),
        }
    }

    /// Sets the process-wide configuration; `false` when the pool was already in use.
    pub fn configure(config: Config) -> bool {
        GLOBAL.set(Bridge::new(config)).is_ok()
    }

    /// The process-wide pool.
    pub fn global() -> &'static Bridge {
        GLOBAL.get_or_init(|| Bridge::new(Config::default()))
    }

    /// The configuration in use.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Opens a session whose first call will tell the worker `context` (the environment's
    /// modulepath and name, the node): no worker is taken until then.
    pub fn session(&self, context: Value) -> Session<'_> {
        Session {
            bridge: self,
            context: marshal::dump(&context.to_raw()),
            worker: RefCell::new(None),
            pinned: RefCell::new(None),
            broken: RefCell::new(None),
            depth: Cell::new(0),
            used: Cell::new(Duration::ZERO),
            deadline: Cell::new(None),
        }
    }

    /// What the pool has done so far.
    pub fn stats(&self) -> Stats {
        Stats {
            workers_started: self.started.load(Ordering::Relaxed),
            calls: self.calls.load(Ordering::Relaxed),
            ruby_time: Duration::from_nanos(self.ruby_nanos.load(Ordering::Relaxed)),
        }
    }

    /// Starts a worker in the background when none is idle or starting, so that a compile that
    /// is about to need Ruby (it has loaded code from a module that carries Ruby) finds one
    /// ready instead of waiting for its start.
    pub fn warm_up(&'static self) {
        let idle = self.idle.lock().map(|i| i.len()).unwrap_or(0);
        let Ok(mut warming) = self.warming.lock() else { return };
        if idle > 0 || *warming > 0 {
            return;
        }
        *warming += 1;
        drop(warming);
        let spawned = std::thread::Builder::new().name("ruby-warm-up".into()).spawn(move || {
            let started = Instant::now();
            let worker = Worker::spawn(&self.config);
            if let Ok(mut w) = worker {
                self.started.fetch_add(1, Ordering::Relaxed);
                // What most compiles need next: ERB.
                let _ = w.send(&Raw::Array(vec![Raw::Symbol("call".into()), str("prepare")]));
                let _ = w.recv(self.config.boot_timeout);
                tracing::debug!(pid = w.pid(), "warmed up a Ruby worker in {:?}", started.elapsed());
                if let Ok(mut idle) = self.idle.lock() {
                    idle.push(w);
                }
            }
            if let Ok(mut warming) = self.warming.lock() {
                *warming -= 1;
            }
            self.warmed.notify_all();
        });
        if spawned.is_err() {
            if let Ok(mut warming) = self.warming.lock() {
                *warming -= 1;
            }
        }
    }

    fn checkout(&self) -> Result<Worker, RubyError> {
        if let Some(w) = self.idle.lock().ok().and_then(|mut idle| idle.pop()) {
            return Ok(w);
        }
        // A worker starting in the background is nearer than a new one.
        if let Ok(mut warming) = self.warming.lock() {
            while *warming > 0 {
                if let Some(w) = self.idle.lock().ok().and_then(|mut idle| idle.pop()) {
                    return Ok(w);
                }
                match self.warmed.wait_timeout(warming, self.config.boot_timeout) {
                    Ok((w, t)) if !t.timed_out() => warming = w,
                    _ => break,
                }
            }
        }
        if let Some(w) = self.idle.lock().ok().and_then(|mut idle| idle.pop()) {
            return Ok(w);
        }
        let started = Instant::now();
        let w = Worker::spawn(&self.config)?;
        self.started.fetch_add(1, Ordering::Relaxed);
        tracing::debug!(pid = w.pid(), "started a Ruby worker in {:?}", started.elapsed());
        Ok(w)
    }

    fn checkin(&self, w: Worker) {
        if w.calls >= self.config.max_calls {
            return;
        }
        if let Ok(mut idle) = self.idle.lock() {
            if idle.len() < self.config.max_idle {
                idle.push(w);
            }
        }
    }
}

/// The compiler's side of Ruby's callbacks.
pub trait Host {
    /// Answers the callback `name` (see `ruby/boot.rb` for the names the shim uses). The
    /// session is given back so the answer may itself call Ruby.
    fn callback(&mut self, session: &Session<'_>, name: &str, args: Vec<Value>) -> Result<Value, RubyError>;
}

/// A host that answers no callback (calls that need none: loading types, facts).
pub struct NoHost;

impl Host for NoHost {
    fn callback(&mut self, _: &Session<'_>, name: &str, _: Vec<Value>) -> Result<Value, RubyError> {
        Err(RubyError::raised("Puppet::DevError", format!("'{name}' is not available here")))
    }
}

/// One compile's (or one fact resolution's) use of a worker.
pub struct Session<'b> {
    bridge: &'b Bridge,
    context: Vec<u8>,
    worker: RefCell<Option<Worker>>,
    /// The calling thread's CPU affinity before the session pinned it (see `pin`).
    pinned: RefCell<Option<nix::sched::CpuSet>>,
    /// Set when the worker had to be stopped: every later call fails with it.
    broken: RefCell<Option<RubyError>>,
    depth: Cell<u32>,
    /// Ruby time used by the current outermost call.
    used: Cell<Duration>,
    /// When the whole compile must end, and its time limit: a Ruby call is stopped there even
    /// if its own limit is further away.
    deadline: Cell<Option<(Instant, Duration)>>,
}

impl Session<'_> {
    /// Whether this session has a worker (Ruby was needed).
    pub fn started(&self) -> bool {
        self.worker.borrow().is_some()
    }

    /// Stops Ruby calls at `deadline` (the compile's end, from its time limit `limit`).
    pub fn set_deadline(&self, deadline: Option<(Instant, Duration)>) {
        self.deadline.set(deadline);
    }

    /// Calls `op` in the worker with `args`, answering its callbacks through `host`.
    pub fn call(&self, op: &str, args: Vec<Value>, host: &mut dyn Host) -> Result<Value, RubyError> {
        if let Some(e) = self.broken.borrow().clone() {
            return Err(e);
        }
        self.ensure_worker()?;
        if self.depth.get() == 0 {
            self.used.set(Duration::ZERO);
        }
        self.depth.set(self.depth.get() + 1);
        let result = self.exchange(op, args, host);
        self.depth.set(self.depth.get() - 1);
        result
    }

    fn ensure_worker(&self) -> Result<(), RubyError> {
        if self.worker.borrow().is_some() {
            return Ok(());
        }
        let mut w = self.bridge.checkout()?;
        // Every session starts afresh in the worker (its environment, and no values kept from
        // the compile before).
        let ctx = marshal::load(&self.context).map_err(|e| RubyError::Died(e.to_string()))?;
        w.send(&Raw::Array(vec![Raw::Symbol("call".into()), str("session"), ctx]))?;
        match w.recv(self.bridge.config.boot_timeout)? {
            Some(Raw::Array(m)) if m.first() == Some(&Raw::Symbol("ok".into())) => {}
            other => return Err(RubyError::Died(format!("the session was refused: {other:?}"))),
        }
        self.pin(&w);
        *self.worker.borrow_mut() = Some(w);
        Ok(())
    }

    /// Keeps the calling thread and its worker on one CPU for the session: the two take turns
    /// (one waits while the other runs), and a round trip between two cores costs several times
    /// one on a single core (docs/ARCHITECTURE.md, measured). The thread's affinity is given
    /// back when the session ends.
    fn pin(&self, w: &Worker) {
        use nix::sched::{sched_getaffinity, sched_getcpu, sched_setaffinity, CpuSet};
        use nix::unistd::Pid;
        let (Ok(cpu), Ok(before)) = (sched_getcpu(), sched_getaffinity(Pid::from_raw(0))) else { return };
        let mut one = CpuSet::new();
        if one.set(cpu).is_err() {
            return;
        }
        if sched_setaffinity(Pid::from_raw(0), &one).is_ok() {
            *self.pinned.borrow_mut() = Some(before);
            let _ = sched_setaffinity(Pid::from_raw(w.pid() as i32), &one);
        }
    }

    fn with_worker<T>(&self, f: impl FnOnce(&mut Worker) -> Result<T, RubyError>) -> Result<T, RubyError> {
        let mut guard = self.worker.borrow_mut();
        let w = guard.as_mut().ok_or_else(|| RubyError::Died("no worker".into()))?;
        let r = f(w);
        if let Err(e) = &r {
            if !matches!(e, RubyError::Raised { .. }) {
                // The worker is gone or out of step: never hand it out again.
                *guard = None;
                *self.broken.borrow_mut() = Some(e.clone());
            }
        }
        r
    }

    fn exchange(&self, op: &str, args: Vec<Value>, host: &mut dyn Host) -> Result<Value, RubyError> {
        let mut msg = vec![Raw::Symbol("call".into()), str(op)];
        msg.extend(args.iter().map(Value::to_raw));
        self.with_worker(|w| {
            w.calls += 1;
            w.send(&Raw::Array(msg))
        })?;
        self.bridge.calls.fetch_add(1, Ordering::Relaxed);
        let limit = self.bridge.config.call_timeout;
        loop {
            let waited = Instant::now();
            let mut left = limit.saturating_sub(self.used.get());
            let mut compile_limit = None;
            if let Some((deadline, whole)) = self.deadline.get() {
                let to_deadline = deadline.saturating_duration_since(waited);
                if to_deadline < left {
                    left = to_deadline;
                    compile_limit = Some(whole);
                }
            }
            let msg = self.with_worker(|w| w.recv(left))?;
            let spent = waited.elapsed();
            self.used.set(self.used.get() + spent);
            self.bridge.ruby_nanos.fetch_add(spent.as_nanos() as u64, Ordering::Relaxed);
            let Some(msg) = msg else {
                return Err(self.stop_runaway(limit, compile_limit));
            };
            let Raw::Array(mut parts) = msg else {
                return Err(self.fail(RubyError::Died("a message that is not an Array".into())));
            };
            let kind = match parts.first() {
                Some(Raw::Symbol(k)) => k.clone(),
                _ => return Err(self.fail(RubyError::Died("a message without a kind".into()))),
            };
            parts.remove(0);
            match kind.as_str() {
                "ok" => {
                    let v = parts.into_iter().next().unwrap_or(Raw::Nil);
                    return Value::from_raw(v).map_err(|m| RubyError::raised("Puppet::Error", m));
                }
                "error" => return Err(raised(parts)),
                "log" => log(parts),
                "cb" => {
                    let mut it = parts.into_iter();
                    let name = match it.next() {
                        Some(Raw::Str(Ok(n))) => n,
                        _ => return Err(self.fail(RubyError::Died("a callback without a name".into()))),
                    };
                    let args: Result<Vec<Value>, String> = it.map(Value::from_raw).collect();
                    let answer = match args {
                        Ok(args) => host.callback(self, &name, args),
                        Err(m) => Err(RubyError::raised("Puppet::Error", m)),
                    };
                    if let Some(e) = self.broken.borrow().clone() {
                        return Err(e);
                    }
                    let reply = match answer {
                        Ok(v) => Raw::Array(vec![Raw::Symbol("ok".into()), v.to_raw()]),
                        Err(RubyError::Raised { class, message, backtrace }) => Raw::Array(vec![
                            Raw::Symbol("error".into()),
                            str(&class),
                            str(&message),
                            Raw::Array(backtrace.iter().map(|f| str(f)).collect()),
                        ]),
                        Err(other) => return Err(self.fail(other)),
                    };
                    self.with_worker(|w| w.send(&reply))?;
                }
                other => return Err(self.fail(RubyError::Died(format!("an unknown message '{other}'")))),
            }
        }
    }

    /// Stops Ruby code past its time limit: the worker is asked to raise where it is (so the
    /// error can name the line), then discarded; if it does not answer, it is killed.
    fn stop_runaway(&self, limit: Duration, compile_limit: Option<Duration>) -> RubyError {
        let mut backtrace = Vec::new();
        let _ = self.with_worker(|w| {
            w.interrupt();
            let deadline = Instant::now() + Duration::from_secs(2);
            while let Some(left) = deadline.checked_duration_since(Instant::now()) {
                match w.recv(left)? {
                    Some(Raw::Array(parts)) if parts.first() == Some(&Raw::Symbol("error".into())) => {
                        if let RubyError::Raised { backtrace: bt, .. } = raised(parts[1..].to_vec()) {
                            backtrace = bt;
                        }
                        break;
                    }
                    Some(_) => continue,
                    None => break,
                }
            }
            Ok(())
        });
        self.fail(RubyError::TimedOut { limit, compile_limit, backtrace })
    }

    /// Discards the worker; later calls fail with `e`.
    fn fail(&self, e: RubyError) -> RubyError {
        *self.worker.borrow_mut() = None;
        *self.broken.borrow_mut() = Some(e.clone());
        e
    }
}

impl Drop for Session<'_> {
    fn drop(&mut self) {
        if let Some(before) = self.pinned.get_mut().take() {
            let _ = nix::sched::sched_setaffinity(nix::unistd::Pid::from_raw(0), &before);
            // The worker may run anywhere until its next session pins it again.
            if let Some(w) = self.worker.get_mut().as_ref() {
                let _ = nix::sched::sched_setaffinity(nix::unistd::Pid::from_raw(w.pid() as i32), &before);
            }
        }
        if let Some(w) = self.worker.get_mut().take() {
            self.bridge.checkin(w);
        }
    }
}

fn text(r: Option<Raw>) -> String {
    match r {
        Some(Raw::Str(Ok(s))) | Some(Raw::Symbol(s)) => s,
        Some(Raw::Str(Err(b))) => String::from_utf8_lossy(&b).into_owned(),
        _ => String::new(),
    }
}

/// `[class, message, backtrace]` of an `:error` message.
fn raised(parts: Vec<Raw>) -> RubyError {
    let mut it = parts.into_iter();
    let class = text(it.next());
    let message = text(it.next());
    let backtrace = match it.next() {
        Some(Raw::Array(a)) => a.into_iter().map(|f| text(Some(f))).collect(),
        _ => Vec::new(),
    };
    RubyError::Raised { class, message, backtrace }
}

/// `[level, message]` of a `:log` message (Puppet.warning and friends), as the compiler logs.
fn log(parts: Vec<Raw>) {
    let mut it = parts.into_iter();
    let level = text(it.next());
    let message = text(it.next());
    // Module Ruby's `Puppet.notice` and the like, at Puppet's levels mapped onto tracing's as
    // the manifest's own `notice()` is (target `puppet`; crates/cli/src/logging.rs).
    match level.as_str() {
        "debug" => tracing::trace!(target: "puppet", "{message}"),
        "info" => tracing::debug!(target: "puppet", "{message}"),
        "notice" => tracing::info!(target: "puppet", "{message}"),
        "warning" => tracing::warn!(target: "puppet", "{message}"),
        "alert" => tracing::error!(target: "puppet", label = "Alert", "{message}"),
        "crit" => tracing::error!(target: "puppet", label = "Critical", "{message}"),
        "emerg" => tracing::error!(target: "puppet", label = "Emergency", "{message}"),
        _ => tracing::error!(target: "puppet", "{message}"),
    }
}
