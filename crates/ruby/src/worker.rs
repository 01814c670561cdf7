//! One Ruby worker process and the framed pipe protocol to it.
//!
//! A frame is a little-endian `u32` length and a Marshal document; every message is an Array
//! whose first element says what it is (see `ruby/boot.rb`). The worker's stdin and stdout carry
//! the frames (the worker moves Ruby's `$stdout` onto stderr at boot, so a module's `puts` cannot
//! corrupt them); stderr is drained by a thread into the log, keeping the last lines to explain a
//! worker that died.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::fd::AsFd;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use nix::poll::{poll, PollFd, PollFlags, PollTimeout};

use crate::marshal::{self, Raw};
use crate::{Config, RubyError};

/// The Ruby sources of the shim, in load order, embedded in the binary.
const SOURCES: &[(&str, &str)] = &[
    ("bunraku/boot.rb", include_str!("../ruby/boot.rb")),
    ("bunraku/values.rb", include_str!("../ruby/values.rb")),
    ("bunraku/puppet.rb", include_str!("../ruby/puppet.rb")),
    ("bunraku/scope.rb", include_str!("../ruby/scope.rb")),
    ("bunraku/functions.rb", include_str!("../ruby/functions.rb")),
    ("bunraku/templates.rb", include_str!("../ruby/templates.rb")),
    ("bunraku/types.rb", include_str!("../ruby/types.rb")),
    ("bunraku/facter.rb", include_str!("../ruby/facter.rb")),
    ("bunraku/main.rb", include_str!("../ruby/main.rb")),
];

/// Reads the shim from the first frame and runs it; kept tiny because it is a command-line
/// argument.
const LOADER: &str = "$stdin.binmode; n = $stdin.read(4).unpack1('V'); \
    Marshal.load($stdin.read(n)).each { |f, s| eval(s, TOPLEVEL_BINDING, f, 1) }";

/// The largest frame either side accepts (a runaway value is an error, not an allocation).
const MAX_FRAME: usize = 512 << 20;

pub(crate) struct Worker {
    child: Child,
    to: ChildStdin,
    from: ChildStdout,
    stderr_tail: Arc<Mutex<VecDeque<String>>>,
    pub(crate) calls: u64,
}

impl Worker {
    pub(crate) fn spawn(config: &Config) -> Result<Worker, RubyError> {
        let spawn_err =
            |message: String| RubyError::Spawn { program: config.ruby.display().to_string(), message };
        let mut cmd = Command::new(&config.ruby);
        cmd.arg("--disable-gems")
            .arg("-e")
            .arg(LOADER)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            // The user's Ruby options would change what the shim runs on.
            .env_remove("RUBYOPT")
            .env_remove("RUBYLIB")
            .env("LANG", "C.UTF-8")
            .env("LC_ALL", "C.UTF-8");
        if let Some(limit) = config.memory_limit {
            use std::os::unix::process::CommandExt;
            let bytes = limit as u64;
            // SAFETY: setrlimit is async-signal-safe; nothing else runs between fork and exec.
            unsafe {
                cmd.pre_exec(move || {
                    nix::sys::resource::setrlimit(nix::sys::resource::Resource::RLIMIT_DATA, bytes, bytes)
                        .map_err(std::io::Error::from)
                });
            }
        }
        let mut child = cmd.spawn().map_err(|e| spawn_err(e.to_string()))?;
        let to = child.stdin.take().ok_or_else(|| spawn_err("no stdin".into()))?;
        let from = child.stdout.take().ok_or_else(|| spawn_err("no stdout".into()))?;
        let stderr = child.stderr.take().ok_or_else(|| spawn_err("no stderr".into()))?;
        let stderr_tail = Arc::new(Mutex::new(VecDeque::new()));
        let tail = stderr_tail.clone();
        let pid = child.id();
        std::thread::Builder::new()
            .name(format!("ruby-{pid}-stderr"))
            .spawn(move || {
                for line in BufReader::new(stderr).lines() {
                    let Ok(line) = line else { break };
                    tracing::warn!(target: "ruby", pid, "{line}");
                    if let Ok(mut t) = tail.lock() {
                        if t.len() >= 20 {
                            t.pop_front();
                        }
                        t.push_back(line);
                    }
                }
            })
            .map_err(|e| spawn_err(e.to_string()))?;
        let mut worker = Worker { child, to, from, stderr_tail, calls: 0 };
        let sources =
            Raw::Array(SOURCES.iter().map(|(f, s)| Raw::Array(vec![str(f), str(s)])).collect::<Vec<_>>());
        worker.send(&sources)?;
        // The worker says it is ready once the shim has loaded (or why it could not).
        match worker.recv(config.boot_timeout)? {
            Some(Raw::Array(m)) if m.first() == Some(&Raw::Symbol("ready".into())) => Ok(worker),
            Some(other) => Err(RubyError::Died(format!("unexpected first message {other:?}"))),
            None => Err(RubyError::Died("the shim did not load in time".into())),
        }
    }

    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    pub(crate) fn send(&mut self, msg: &Raw) -> Result<(), RubyError> {
        let body = marshal::dump(msg);
        if body.len() > MAX_FRAME {
            return Err(RubyError::raised("Puppet::Error", "a value too large to hand to Ruby"));
        }
        let mut frame = Vec::with_capacity(body.len() + 4);
        frame.extend_from_slice(&(body.len() as u32).to_le_bytes());
        frame.extend(body);
        self.to.write_all(&frame).and_then(|_| self.to.flush()).map_err(|e| self.died(&e.to_string()))
    }

    /// The next message, or `None` when `timeout` passes first.
    pub(crate) fn recv(&mut self, timeout: Duration) -> Result<Option<Raw>, RubyError> {
        let deadline = Instant::now() + timeout;
        let mut len = [0u8; 4];
        if !self.read_exact(&mut len, deadline, true)? {
            return Ok(None);
        }
        let n = u32::from_le_bytes(len) as usize;
        if n > MAX_FRAME {
            return Err(self.died("a frame over the size limit"));
        }
        let mut body = vec![0u8; n];
        // A frame once begun is read to its end: the worker is writing it now.
        self.read_exact(&mut body, Instant::now() + Duration::from_secs(60), false)?;
        marshal::load(&body).map(Some).map_err(|e| self.died(&e.to_string()))
    }

    /// Fills `buf`, waiting until `deadline`; `false` when nothing came in time (only when
    /// `may_time_out`, before the first byte).
    fn read_exact(
        &mut self,
        buf: &mut [u8],
        deadline: Instant,
        may_time_out: bool,
    ) -> Result<bool, RubyError> {
        let mut filled = 0;
        while filled < buf.len() {
            let left = deadline.saturating_duration_since(Instant::now());
            let ms = left.as_millis().min(i32::MAX as u128) as i32;
            let ready = {
                let mut fds = [PollFd::new(self.from.as_fd(), PollFlags::POLLIN)];
                match poll(&mut fds, PollTimeout::try_from(ms).unwrap_or(PollTimeout::MAX)) {
                    Ok(n) => n > 0,
                    Err(nix::errno::Errno::EINTR) => continue,
                    Err(e) => return Err(self.died(&e.to_string())),
                }
            };
            if !ready {
                if may_time_out && filled == 0 {
                    return Ok(false);
                }
                return Err(self.died("a message was cut short"));
            }
            match self.from.read(&mut buf[filled..]) {
                Ok(0) => return Err(self.died("end of output")),
                Ok(n) => filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(self.died(&e.to_string())),
            }
        }
        Ok(true)
    }

    /// Asks the worker to stop what it runs and report where it was (its `USR2` handler raises
    /// the time-limit error in the running code).
    pub(crate) fn interrupt(&self) {
        let _ = nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(self.child.id() as i32),
            nix::sys::signal::Signal::SIGUSR2,
        );
    }

    /// The worker's exit and its last stderr lines, for an error message.
    fn died(&mut self, what: &str) -> RubyError {
        // Give a crashing process a moment to finish writing its last words.
        let status = (0..20)
            .find_map(|_| match self.child.try_wait() {
                Ok(Some(s)) => Some(s.to_string()),
                Ok(None) => {
                    std::thread::sleep(Duration::from_millis(5));
                    None
                }
                Err(_) => Some("unknown status".into()),
            })
            .unwrap_or_else(|| "still running".into());
        let tail = self
            .stderr_tail
            .lock()
            .map(|t| t.iter().cloned().collect::<Vec<_>>().join("\n"))
            .unwrap_or_default();
        let mut message = format!("{what} (process {}, {status})", self.child.id());
        if !tail.is_empty() {
            message.push_str(&format!("; its last output:\n{tail}"));
        }
        RubyError::Died(message)
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn str(s: &str) -> Raw {
    Raw::Str(Ok(s.to_string()))
}
