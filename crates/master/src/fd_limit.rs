//! The master's file-descriptor allowance. Every agent connection, environment file and report in
//! flight holds a descriptor; systemd and login shells start processes with a soft limit of 1,024
//! while the hard limit is far higher (524,288 under systemd). Like nginx's `worker_rlimit_nofile`
//! or the JVM's MaxFDLimit under puppetserver, the master raises its soft limit to the hard one at
//! start, so the connection caps (`max_unauthenticated_connections`) are what bound it, not a
//! default meant for interactive shells.

use nix::sys::resource::{getrlimit, setrlimit, Resource};

/// Where the master stops raising: beyond this, descriptor tables cost memory for nothing.
const CEILING: u64 = 1 << 20;

/// Raises the soft `RLIMIT_NOFILE` towards the hard limit; returns the soft limit in force after.
pub fn raise() -> Option<u64> {
    let (soft, hard) = getrlimit(Resource::RLIMIT_NOFILE).ok()?;
    let wanted = hard.min(CEILING);
    if wanted <= soft {
        return Some(soft);
    }
    match setrlimit(Resource::RLIMIT_NOFILE, wanted, hard) {
        Ok(()) => {
            tracing::debug!("open files limit raised from {soft} to {wanted}");
            Some(wanted)
        }
        Err(e) => {
            tracing::warn!("could not raise the open files limit from {soft} to {wanted}: {e}");
            Some(soft)
        }
    }
}

#[cfg(test)]
mod tests {
    use nix::sys::resource::{getrlimit, setrlimit, Resource};

    #[test]
    fn the_soft_limit_is_raised_to_the_hard_one() {
        let (_, hard) = getrlimit(Resource::RLIMIT_NOFILE).unwrap();
        let low = hard.min(256);
        setrlimit(Resource::RLIMIT_NOFILE, low, hard).unwrap();
        let raised = super::raise().expect("a limit");
        assert_eq!(raised, hard.min(super::CEILING));
        assert_eq!(getrlimit(Resource::RLIMIT_NOFILE).unwrap().0, raised);
    }
}
