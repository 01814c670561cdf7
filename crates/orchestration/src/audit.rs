//! One line per request a server received, accepted or refused, appended to the audit log:
//! `2026-12-07T17:51:02Z reqid=… caller=cert=admin sender=admin agent=puppet action=runonce
//! result=accepted`, or `result=refused reason="…"`. The process's log says the same at `info`/
//! `warn`, so a refusal is visible without the file.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;

pub struct AuditLog {
    file: Option<Mutex<std::fs::File>>,
    pub path: Option<PathBuf>,
}

/// What the audit line says about a request.
pub struct Entry<'a> {
    pub requestid: &'a str,
    pub callerid: &'a str,
    pub senderid: &'a str,
    pub agent: &'a str,
    pub action: &'a str,
}

fn quote(s: &str) -> String {
    format!("{:?}", s)
}

impl AuditLog {
    pub fn open(path: Option<PathBuf>) -> std::io::Result<AuditLog> {
        let file = match &path {
            Some(p) => {
                if let Some(dir) = p.parent() {
                    std::fs::create_dir_all(dir)?;
                }
                Some(Mutex::new(std::fs::OpenOptions::new().create(true).append(true).open(p)?))
            }
            None => None,
        };
        Ok(AuditLog { file, path })
    }

    fn write(&self, line: String) {
        if let Some(f) = &self.file {
            let mut f = f.lock().expect("audit lock");
            // One write per line: O_APPEND keeps concurrent lines whole.
            if let Err(e) = f.write_all(format!("{line}\n").as_bytes()) {
                tracing::error!("cannot write the audit log: {e}");
            }
        }
    }

    fn prefix(e: &Entry<'_>) -> String {
        format!(
            "{} reqid={} caller={} sender={} agent={} action={}",
            chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ"),
            e.requestid,
            e.callerid,
            e.senderid,
            e.agent,
            if e.action.is_empty() { "-" } else { e.action }
        )
    }

    pub fn accepted(&self, e: &Entry<'_>) {
        let line = format!("{} result=accepted", Self::prefix(e));
        tracing::info!(target: "audit", "{line}");
        self.write(line);
    }

    pub fn refused(&self, e: &Entry<'_>, reason: &str) {
        let line = format!("{} result=refused reason={}", Self::prefix(e), quote(reason));
        tracing::warn!(target: "audit", "{line}");
        self.write(line);
    }
}
