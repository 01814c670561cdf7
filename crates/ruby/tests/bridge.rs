//! The bridge against a real Ruby: values both ways, callbacks that nest, errors with their Ruby
//! location, the time limit, a worker that dies, and sessions that start no Ruby until needed.

use std::time::Duration;

use bunraku_ruby::{Bridge, Config, Host, RubyError, Session, TypeRef, Value};

fn bridge() -> Bridge {
    Bridge::new(Config { call_timeout: Duration::from_secs(5), ..Config::default() })
}

fn context() -> Value {
    Value::Hash(vec![
        (Value::Str("environment".into()), Value::Str("production".into())),
        (Value::Str("modulepath".into()), Value::Array(vec![])),
    ])
}

/// Answers `lookupvar` from a fixed table and `call_function` by calling Ruby again.
struct Vars;

impl Host for Vars {
    fn callback(&mut self, session: &Session<'_>, name: &str, args: Vec<Value>) -> Result<Value, RubyError> {
        match name {
            "lookupvar" => Ok(match &args[1] {
                Value::Str(n) if n == "x" => Value::Int(41),
                _ => Value::Undef,
            }),
            "call_function" => {
                // A nested call: Ruby evaluates the function's "body" while its caller waits.
                let Value::Str(f) = &args[1] else { unreachable!() };
                session.call("eval_for_test", vec![Value::Str(format!("'{f} ran in Ruby'"))], self)
            }
            "fail" => Err(RubyError::raised("Puppet::ParseError", "no such thing")),
            other => panic!("unexpected callback {other}"),
        }
    }
}

fn eval(session: &Session<'_>, code: &str) -> Result<Value, RubyError> {
    session.call("eval_for_test", vec![Value::Str(code.into())], &mut Vars)
}

#[test]
fn values_cross_both_ways_as_puppet_values() {
    let b = bridge();
    let s = b.session(context());
    let values = vec![
        Value::Undef,
        Value::Default,
        Value::Bool(false),
        Value::Int(i64::MAX),
        Value::Int(-3),
        Value::Float(0.1),
        Value::Str("ünïcode".into()),
        Value::Regexp("^a+$".into()),
        Value::Array(vec![Value::Undef, Value::Int(1)]),
        Value::Hash(vec![(Value::Int(2), Value::Str("two".into())), (Value::Str("a".into()), Value::Undef)]),
        Value::Sensitive(Box::new(Value::Str("pw".into()))),
        Value::Type(TypeRef::named("Integer", "Integer[1, 2]")),
        Value::Type(TypeRef::resource("File", Some("/etc/x"), "File['/etc/x']")),
        Value::Binary(vec![0, 159, 146, 150]),
        Value::Timespan(3_000_000_000),
    ];
    // The identity function on the Ruby side returns what it was given.
    for v in values {
        let back = s.call("ping", vec![v.clone()], &mut Vars).unwrap();
        assert_eq!(back, Value::Array(vec![v]));
    }
    // Ruby's view of them.
    let r = s
        .call(
            "eval_for_test",
            vec![Value::Str(
                "[nil.inspect, :default.inspect, Puppet::Pops::Types::PSensitiveType::Sensitive.new(1).to_s, \
                 Puppet::Pops::Types::PResourceType.reference('file', '/x').type_name, 2**62, 1.5, {'k' => [1]}]"
                    .into(),
            )],
            &mut Vars,
        )
        .unwrap();
    assert_eq!(
        r,
        Value::Array(vec![
            Value::Str("nil".into()),
            Value::Str(":default".into()),
            Value::Str("Sensitive [value redacted]".into()),
            Value::Str("File".into()),
            Value::Int(1 << 62),
            Value::Float(1.5),
            Value::Hash(vec![(Value::Str("k".into()), Value::Array(vec![Value::Int(1)]))]),
        ])
    );
    // Symbols: :undef is undef, :default default, others strings (as Puppet's evaluator does).
    assert_eq!(
        eval(&s, "[:undef, :default, :foo]").unwrap(),
        Value::Array(vec![Value::Undef, Value::Default, Value::Str("foo".into())])
    );
}

#[test]
fn integers_outside_puppet_range_are_an_error_naming_the_value() {
    let b = bridge();
    let s = b.session(context());
    let e = eval(&s, "2**64").unwrap_err();
    assert_eq!(
        e.to_string(),
        "Use of a Ruby Integer outside of Puppet Integer max range, got '0x10000000000000000'"
    );
}

#[test]
fn callbacks_nest_and_errors_come_back_as_ruby_exceptions() {
    let b = bridge();
    let s = b.session(context());
    assert_eq!(eval(&s, "Bunraku.callback('lookupvar', 0, 'x') + 1").unwrap(), Value::Int(42));
    assert_eq!(
        eval(&s, "Bunraku.callback('call_function', 0, 'f', [])").unwrap(),
        Value::Str("f ran in Ruby".into())
    );
    // A callback's error is raised in Ruby as the class it names, and may be rescued there.
    assert_eq!(
        eval(
            &s,
            "begin; Bunraku.callback('fail'); rescue Puppet::ParseError => e; \"rescued: #{e.message}\"; end"
        )
        .unwrap(),
        Value::Str("rescued: no such thing".into())
    );
    match eval(&s, "Bunraku.callback('fail')").unwrap_err() {
        RubyError::Raised { class, message, .. } => {
            assert_eq!(class, "Puppet::ParseError");
            assert_eq!(message, "no such thing");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn ruby_errors_carry_their_location() {
    let b = bridge();
    let s = b.session(context());
    let e = eval(&s, "\n\nnil + 1").unwrap_err();
    let RubyError::Raised { class, message, .. } = &e else { panic!("{e:?}") };
    assert_eq!(class, "NoMethodError");
    assert!(message.contains("undefined method `+' for nil"), "{message}");
    assert_eq!(e.location(), Some(("(test)".into(), 3)));
    // The worker survives an error: the next call works.
    assert_eq!(eval(&s, "1 + 1").unwrap(), Value::Int(2));
    // Deep recursion is an error too, not a crash.
    let e = eval(&s, "def f(n) = f(n + 1); f(0)").unwrap_err();
    assert!(e.to_string().contains("stack level too deep"), "{e}");
    // Module code that writes to stdout cannot break the protocol.
    assert_eq!(eval(&s, "puts 'noise'; $stdout.write(\"\\x00\\x01\"); 7").unwrap(), Value::Int(7));
}

#[test]
fn runaway_code_is_stopped_where_it_loops_and_the_pool_recovers() {
    let b = Bridge::new(Config { call_timeout: Duration::from_millis(500), ..Config::default() });
    let s = b.session(context());
    let e = eval(&s, "x = 0\nloop do\n  x += 1\nend").unwrap_err();
    match &e {
        RubyError::TimedOut { backtrace, .. } => {
            // Interrupts land on the loop's body or its backward jump.
            let at = backtrace.first().and_then(|f| bunraku_ruby::frame_location(f));
            assert!(matches!(&at, Some((f, 3..=4)) if f == "(test)"), "{backtrace:?}")
        }
        other => panic!("{other:?}"),
    }
    // The session is over; a new one gets a fresh worker.
    assert!(eval(&s, "1").is_err());
    drop(s);
    let s = b.session(context());
    assert_eq!(eval(&s, "1").unwrap(), Value::Int(1));
    // Code that swallows the interrupt is killed.
    let e = eval(&s, "begin; loop {}; rescue Exception; loop {}; end").unwrap_err();
    assert!(matches!(e, RubyError::TimedOut { .. }), "{e:?}");
}

#[test]
fn a_worker_that_dies_is_an_error_not_a_hang() {
    let b = bridge();
    let s = b.session(context());
    let e = eval(&s, "Process.kill('KILL', Process.pid)").unwrap_err();
    assert!(matches!(e, RubyError::Died(_)), "{e:?}");
    drop(s);
    let s = b.session(context());
    assert_eq!(eval(&s, "2").unwrap(), Value::Int(2));
}

#[test]
fn sessions_start_ruby_only_when_needed_and_reuse_workers() {
    let b = bridge();
    {
        let s = b.session(context());
        assert!(!s.started());
    }
    assert_eq!(b.stats().workers_started, 0);
    for _ in 0..3 {
        let s = b.session(context());
        eval(&s, "1").unwrap();
    }
    assert_eq!(b.stats().workers_started, 1);
    assert_eq!(b.stats().calls, 3);
}

#[test]
fn commands_run_by_module_code_cannot_reach_the_protocol_pipes() {
    let b = bridge();
    let s = b.session(context());
    // A child that reads its stdin and writes its stdout sees /dev/null and stderr, not the pipes.
    assert_eq!(eval(&s, "system('cat; echo from-a-child')").unwrap(), Value::Bool(true));
    assert_eq!(eval(&s, "`cat`").unwrap(), Value::Str(String::new()));
    assert_eq!(eval(&s, "$stdin.read").unwrap(), Value::Str(String::new()));
    assert_eq!(eval(&s, "3").unwrap(), Value::Int(3));
}

#[test]
fn sessions_run_ruby_side_by_side_not_behind_one_lock() {
    // While one session's Ruby is busy for seconds, another session's call finishes: each has
    // its own worker (a compile on another core is not queued behind the first).
    let b: &'static Bridge = Box::leak(Box::new(bridge()));
    let (tx, rx) = std::sync::mpsc::channel();
    let busy = tx.clone();
    let slow = std::thread::spawn(move || {
        let s = b.session(context());
        eval(&s, "sleep 2; :done").unwrap();
        busy.send("slow").unwrap();
    });
    std::thread::sleep(Duration::from_millis(200));
    let s = b.session(context());
    assert_eq!(eval(&s, "21 * 2").unwrap(), Value::Int(42));
    tx.send("fast").unwrap();
    slow.join().unwrap();
    assert_eq!(rx.iter().take(2).collect::<Vec<_>>(), ["fast", "slow"]);
    assert_eq!(b.stats().workers_started, 2);
}
