//! The embedded side: CRuby inside this process through magnus (rb-sys, Debian's libruby3.1),
//! rendering the same template the way the worker's shim does (ERB with trim mode '-', compiled
//! once into a method of a wrapper, the variables it reads found by Ripper and asked of the host
//! through a callback into Rust).
//!
//! `embedded startup DIR SPAWN_NS` | `embedded calls DIR ITERS` |
//! `embedded throughput DIR THREADS COMPILES RENDERS WORK` | `embedded failure DIR SCENARIO`

use std::ffi::{c_void, CString};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Instant;

use magnus::value::{Opaque, ReprValue};
use magnus::{function, Error, Float, Integer, IntoValue, Module, RArray, RHash, RModule, RString, Ruby};
use ruby_bridge_bench::*;

/// The Ruby side of the embedded bridge.
const PRELUDE: &str = r#"
module Emb
  # What `scope` is in a template: function calls go to the host.
  class Scope
    def initialize(id)
      @id = id
    end

    def call_function(name, args)
      Emb.host_call_function(@id, name.to_s, args)
    end
  end

  # What `self` is in a template.
  class Wrapper
    def scope
      @__scope__
    end
  end

  Compiled = Struct.new(:method_name, :ivars)
  @compiled = {}
  @counter = 0

  class << self
    def ping(*args)
      args
    end

    def render(file, scope_id, vars, known)
      tpl = compile(file)
      vars = host_template_vars(scope_id, tpl.ivars) unless known
      w = Wrapper.allocate
      w.instance_variable_set(:@__scope__, Scope.new(scope_id))
      vars.each do |name, value|
        ivar = "@#{name.gsub(/[^\w]/, '_')}"
        next unless ivar.match?(/\A@[A-Za-z_]\w*\z/)

        w.instance_variable_set(ivar, value)
      end
      w.send(tpl.method_name)
    end

    # What embedding needs to stop runaway Ruby: Timeout (a thread that raises in the caller).
    def render_limited(limit, file, scope_id, vars, known)
      Timeout.timeout(limit) { render(file, scope_id, vars, known) }
    end

    # A cheaper time limit than Timeout's thread per call: one watchdog thread, polling a
    # deadline every 50 ms, raising in the watched thread (as the pool's SIGUSR2 handler does).
    class TimeLimit < Exception; end

    def render_watched(limit, file, scope_id, vars, known)
      @watchdog ||= Thread.new do
        loop do
          sleep 0.05
          d = @deadline
          if d && Process.clock_gettime(Process::CLOCK_MONOTONIC) > d
            @deadline = nil
            @watched.raise(TimeLimit, 'time limit reached')
          end
        end
      end
      @watched = Thread.current
      @deadline = Process.clock_gettime(Process::CLOCK_MONOTONIC) + limit
      begin
        render(file, scope_id, vars, known)
      ensure
        @deadline = nil
      end
    end

    def run_limited(limit, code)
      Timeout.timeout(limit) { eval(code, TOPLEVEL_BINDING, '(test)', 1) }
    end

    def compile(file)
      st = File.stat(file)
      @compiled[[file, st.mtime, st.size]] ||= begin
        src = ERB.new(File.open(file, 'rb:UTF-8', &:read), trim_mode: '-').src
        @counter += 1
        name = :"__emb_template_#{@counter}"
        Wrapper.class_eval("def #{name}\n#{src}\nend", file, -1)
        ivars = Ripper.lex(src).filter_map { |(_pos, kind, tok, _state)| tok[1..] if kind == :on_ivar }
        Compiled.new(name, ivars.uniq - %w[__scope__])
      end
    end
  end
end
"#;

static EMB: OnceLock<Opaque<RModule>> = OnceLock::new();

fn emb(ruby: &Ruby) -> RModule {
    ruby.get_inner(*EMB.get().expect("the prelude is loaded"))
}

/// Starts the VM as `ruby --disable-gems -e ''` would (the workers' options).
///
/// # Safety
/// Called once, from `main`, before any other use of Ruby.
unsafe fn start_vm() -> magnus::embed::Cleanup {
    let cleanup = magnus::embed::setup();
    let args: Vec<CString> =
        ["ruby", "--disable-gems", "-e", ""].iter().map(|a| CString::new(*a).unwrap()).collect();
    let mut argv: Vec<*mut std::ffi::c_char> = args.iter().map(|a| a.as_ptr() as *mut _).collect();
    let node = rb_sys::ruby_process_options(argv.len() as i32, argv.as_mut_ptr());
    if rb_sys::ruby_exec_node(node) != 0 {
        panic!("the Ruby VM did not start");
    }
    cleanup
}

/// Loads what a render needs: ERB, Ripper, Timeout, the prelude, the host's functions.
fn load(ruby: &Ruby) -> Result<(), Error> {
    ruby.require("erb")?;
    ruby.require("ripper")?;
    ruby.require("timeout")?;
    let _: magnus::Value = ruby.eval(PRELUDE)?;
    let m: RModule = ruby.class_object().const_get("Emb")?;
    m.define_module_function("host_template_vars", function!(host_template_vars, 2))?;
    m.define_module_function("host_call_function", function!(host_call_function, 3))?;
    let _ = EMB.set(Opaque::from(m));
    Ok(())
}

fn to_rb(ruby: &Ruby, v: &Value) -> Result<magnus::Value, Error> {
    Ok(match v {
        Value::Undef => ruby.qnil().as_value(),
        Value::Default => ruby.to_symbol("default").as_value(),
        Value::Bool(true) => ruby.qtrue().as_value(),
        Value::Bool(false) => ruby.qfalse().as_value(),
        Value::Int(i) => i.into_value_with(ruby),
        Value::Float(f) => f.into_value_with(ruby),
        Value::Str(s) => ruby.str_new(s).as_value(),
        Value::Array(a) => {
            let out = ruby.ary_new_capa(a.len());
            for x in a {
                out.push(to_rb(ruby, x)?)?;
            }
            out.as_value()
        }
        Value::Hash(h) => {
            let out = ruby.hash_new();
            for (k, x) in h {
                out.aset(to_rb(ruby, k)?, to_rb(ruby, x)?)?;
            }
            out.as_value()
        }
        other => return Err(Error::new(ruby.exception_type_error(), format!("no Ruby form for {other:?}"))),
    })
}

fn from_rb(ruby: &Ruby, v: magnus::Value) -> Result<Value, Error> {
    if v.is_nil() {
        return Ok(Value::Undef);
    }
    if magnus::value::Qtrue::from_value(v).is_some() {
        return Ok(Value::Bool(true));
    }
    if magnus::value::Qfalse::from_value(v).is_some() {
        return Ok(Value::Bool(false));
    }
    if let Some(s) = RString::from_value(v) {
        return Ok(Value::Str(s.to_string()?));
    }
    if let Some(i) = Integer::from_value(v) {
        return Ok(Value::Int(i.to_i64()?));
    }
    if let Some(f) = Float::from_value(v) {
        return Ok(Value::Float(f.to_f64()));
    }
    if let Some(a) = RArray::from_value(v) {
        let mut out = Vec::with_capacity(a.len());
        for x in a.into_iter() {
            out.push(from_rb(ruby, x)?);
        }
        return Ok(Value::Array(out));
    }
    if let Some(h) = RHash::from_value(v) {
        let mut out = Vec::with_capacity(h.len());
        h.foreach(|k: magnus::Value, x: magnus::Value| {
            out.push((from_rb(ruby, k)?, from_rb(ruby, x)?));
            Ok(magnus::r_hash::ForEach::Continue)
        })?;
        return Ok(Value::Hash(out));
    }
    Err(Error::new(ruby.exception_type_error(), "a Ruby value with no Puppet form"))
}

/// The `template_vars` callback: the variables the template reads, from the compiler's scope.
fn host_template_vars(ruby: &Ruby, _scope: i64, names: Option<RArray>) -> Result<RHash, Error> {
    let names: Option<Vec<String>> = names.map(|a| a.to_vec::<String>()).transpose()?;
    let vars = lookup_vars(names.as_deref());
    let out = ruby.hash_new();
    for (k, v) in &vars {
        out.aset(ruby.str_new(k), to_rb(ruby, v)?)?;
    }
    Ok(out)
}

/// The `call_function` callback, answered by calling Ruby again (as the pool's host does): the
/// arguments into the compiler's values, back to Ruby for `ping`, its answer back again.
fn host_call_function(ruby: &Ruby, _scope: i64, _name: String, args: RArray) -> Result<magnus::Value, Error> {
    let args = match from_rb(ruby, args.as_value())? {
        Value::Array(a) => a,
        _ => Vec::new(),
    };
    let arg = to_rb(ruby, args.first().unwrap_or(&Value::Undef))?;
    let answer: magnus::Value = emb(ruby).funcall("ping", (arg,))?;
    match from_rb(ruby, answer)? {
        Value::Array(mut a) if !a.is_empty() => to_rb(ruby, &a.remove(0)),
        _ => Err(Error::new(ruby.exception_runtime_error(), "unexpected answer")),
    }
}

fn vars_hash(ruby: &Ruby) -> Result<magnus::Value, Error> {
    let vars = lookup_vars(Some(&template_names()));
    let out = ruby.hash_new();
    for (k, v) in &vars {
        out.aset(ruby.str_new(k), to_rb(ruby, v)?)?;
    }
    Ok(out.as_value())
}

/// One render, as the pool's `erb` op: with the variables (`known`) or through the callback.
fn erb(ruby: &Ruby, file: &Path, known: bool) -> Result<String, Error> {
    let vars = if known { vars_hash(ruby)? } else { ruby.hash_new().as_value() };
    let out: RString = emb(ruby).funcall("render", (file.display().to_string(), 0i64, vars, known))?;
    out.to_string()
}

/// The same, under a time limit (Timeout.timeout).
fn erb_limited(ruby: &Ruby, file: &Path, limit: f64) -> Result<String, Error> {
    let out: RString = emb(ruby).funcall(
        "render_limited",
        (limit, file.display().to_string(), 0i64, ruby.hash_new(), false),
    )?;
    out.to_string()
}

/// The same, under the watchdog thread's time limit.
fn erb_watched(ruby: &Ruby, file: &Path, limit: f64) -> Result<String, Error> {
    let out: RString = emb(ruby).funcall(
        "render_watched",
        (limit, file.display().to_string(), 0i64, ruby.hash_new(), false),
    )?;
    out.to_string()
}

/// Runs `f` with the GVL released (Rust work that needs no Ruby: the rest of a compile).
fn without_gvl<F: FnOnce() -> R, R>(f: F) -> R {
    struct Data<F, R> {
        f: Option<F>,
        r: Option<R>,
    }
    unsafe extern "C" fn call<F: FnOnce() -> R, R>(p: *mut c_void) -> *mut c_void {
        let d = unsafe { &mut *(p as *mut Data<F, R>) };
        d.r = Some((d.f.take().unwrap())());
        std::ptr::null_mut()
    }
    let mut d = Data { f: Some(f), r: None };
    // SAFETY: `call` touches no Ruby object; `d` outlives the call.
    unsafe {
        rb_sys::rb_thread_call_without_gvl(
            Some(call::<F, R>),
            &mut d as *mut Data<F, R> as *mut c_void,
            None,
            std::ptr::null_mut(),
        );
    }
    d.r.unwrap()
}

fn main() {
    let t_main = mono_ns();
    // SAFETY: first thing in main; the guard lives to the end of main.
    let cleanup = unsafe { start_vm() };
    let ruby: &Ruby = &cleanup;
    let t_vm = mono_ns();
    load(ruby).unwrap();
    let t_ready = mono_ns();

    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = PathBuf::from(&args[1]);
    let (plain, nested) = template_paths(&dir);
    let r = match args[0].as_str() {
        "startup" => startup(ruby, &plain, args[2].parse().unwrap(), t_main, t_vm, t_ready),
        "calls" => calls(ruby, &plain, &nested, args[2].parse().unwrap()),
        "throughput" => throughput(
            ruby,
            &plain,
            args[2].parse().unwrap(),
            args[3].parse().unwrap(),
            args[4].parse().unwrap(),
            args[5].parse().unwrap(),
        ),
        "failure" => failure(ruby, &plain, &args[2]),
        other => panic!("unknown mode {other}"),
    };
    if let Err(e) = r {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn startup(ruby: &Ruby, plain: &Path, spawn_ns: u64, t_main: u64, t_vm: u64, t_ready: u64) -> Result<(), Error> {
    let out = erb(ruby, plain, false)?;
    let t_first = mono_ns();
    report("start.exec_ms", (t_main - spawn_ns) as f64 / 1e6);
    report("start.vm_init_ms", (t_vm - t_main) as f64 / 1e6);
    report("start.require_ms", (t_ready - t_vm) as f64 / 1e6);
    report("start.ready_ms", (t_ready - t_main) as f64 / 1e6);
    report("start.first_render_ms", (t_first - t_ready) as f64 / 1e6);
    report("start.total_ms", (t_first - spawn_ns) as f64 / 1e6);
    report("start.own_rss_mib", rss_kib(std::process::id()).unwrap_or(0) as f64 / 1024.0);
    note("output_plain", &fingerprint(&out));
    Ok(())
}

fn sample(iters: usize, mut f: impl FnMut() -> Result<(), Error>) -> Result<(f64, f64, f64), Error> {
    let mut v = Vec::with_capacity(iters);
    let all = Instant::now();
    for _ in 0..iters {
        let t = Instant::now();
        f()?;
        v.push(micros(t.elapsed()));
    }
    let mean = micros(all.elapsed()) / iters as f64;
    Ok((median(&mut v), percentile(&mut v, 0.99), mean))
}

fn calls(ruby: &Ruby, plain: &Path, nested: &Path, iters: usize) -> Result<(), Error> {
    let e = emb(ruby);
    let ping = || -> Result<(), Error> {
        let a: magnus::Value = e.funcall("ping", (ruby.str_new("x"),))?;
        from_rb(ruby, a).map(drop)
    };
    for _ in 0..200 {
        ping()?;
        erb(ruby, plain, false)?;
        erb(ruby, nested, false)?;
        erb_limited(ruby, plain, 30.0)?;
    }
    note("output_plain", &fingerprint(&erb(ruby, plain, false)?));
    note("output_nested", &fingerprint(&erb(ruby, nested, false)?));
    let put = |name: &str, (p50, p99, mean): (f64, f64, f64)| {
        report(&format!("calls.{name}.p50_us"), p50);
        report(&format!("calls.{name}.p99_us"), p99);
        report(&format!("calls.{name}.mean_us"), mean);
    };
    put("ping", sample(iters, ping)?);
    put("erb_cb", sample(iters, || erb(ruby, plain, false).map(drop))?);
    put("erb_known", sample(iters, || erb(ruby, plain, true).map(drop))?);
    put("erb_nested", sample(iters, || erb(ruby, nested, false).map(drop))?);
    put("erb_cb_timeout", sample(iters, || erb_limited(ruby, plain, 30.0).map(drop))?);
    // Last: the watchdog thread, once started, stays (and would tax the figures above).
    for _ in 0..200 {
        erb_watched(ruby, plain, 30.0)?;
    }
    put("erb_cb_watchdog", sample(iters, || erb_watched(ruby, plain, 30.0).map(drop))?);
    Ok(())
}

fn throughput(
    ruby: &Ruby,
    plain: &Path,
    threads: usize,
    compiles: usize,
    renders: usize,
    work: u64,
) -> Result<(), Error> {
    for _ in 0..20 {
        erb(ruby, plain, false)?;
    }
    let start = Instant::now();
    // Each compile is a Ruby thread (a Rust thread cannot call Ruby): its Rust work runs
    // without the GVL, its renders with it.
    // The threads are kept in a Ruby array held by a global: a Vec on the Rust heap is not seen
    // by Ruby's GC, which would free a finished thread before it is joined.
    let list = ruby.ary_new();
    ruby.define_variable("$bench_threads", list)?;
    for _ in 0..threads {
        let plain = plain.to_path_buf();
        let t = ruby.thread_create_from_fn(move |ruby| -> Result<(), Error> {
            for _ in 0..compiles {
                without_gvl(|| compile_work(work));
                for _ in 0..renders {
                    erb(ruby, &plain, false)?;
                }
            }
            Ok(())
        });
        list.push(t)?;
    }
    for i in 0..threads {
        let t: magnus::Value = list.entry(i as isize)?;
        let _: magnus::Value = t.funcall("join", ())?;
    }
    let wall = start.elapsed();
    let total_compiles = (threads * compiles) as f64;
    report("tp.wall_ms", millis(wall));
    report("tp.compiles_per_s", total_compiles / wall.as_secs_f64());
    report("tp.renders_per_s", total_compiles * renders as f64 / wall.as_secs_f64());
    Ok(())
}

fn failure(ruby: &Ruby, plain: &Path, scenario: &str) -> Result<(), Error> {
    let code = scenarios::ALL.iter().find(|(n, _)| *n == scenario).map(|(_, c)| *c).expect("a scenario");
    erb(ruby, plain, false)?;
    note("started", scenario);
    let t = Instant::now();
    let r: Result<magnus::Value, Error> =
        emb(ruby).funcall("run_limited", (scenarios::LIMIT_SECS as f64, code));
    let took = t.elapsed();
    report(&format!("fail.{scenario}.stopped_after_s"), took.as_secs_f64());
    note(
        &format!("fail.{scenario}.outcome"),
        &match r {
            Ok(v) => format!("finished: {}", v.inspect()).chars().take(120).collect::<String>(),
            Err(e) => format!("raised: {e}").chars().take(160).collect(),
        },
    );
    let t = Instant::now();
    let ok = erb(ruby, plain, false).is_ok();
    report(&format!("fail.{scenario}.next_render_ms"), millis(t.elapsed()));
    note(
        &format!("fail.{scenario}.after"),
        if ok { "the process goes on; the next render works" } else { "the next render FAILED" },
    );
    Ok(())
}
