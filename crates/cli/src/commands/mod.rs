//! One module per subcommand.

pub mod agent;
pub mod apply;
pub mod catalog;
pub mod cert;
pub mod dashboard;
pub mod demo;
pub mod facts;
pub mod generate;
pub mod kick;
pub mod master;
pub mod mco;
pub mod module;
pub mod parser;

use crate::settings::{RunMode, Settings};
use crate::Common;

/// Loads settings for a command, printing the error Puppet-style when `puppet.conf` is unusable.
pub fn load_settings(
    common: &Common,
    mode: RunMode,
    extra: Vec<(&'static str, String)>,
) -> Result<Settings, u8> {
    let mut overrides = common.overrides();
    overrides.extend(extra);
    Settings::load(common.confdir.as_deref(), mode, &overrides).map_err(|e| {
        tracing::error!("{e}");
        1
    })
}

/// Prints an error the way Puppet does and returns exit code 1.
pub fn fail(message: impl std::fmt::Display) -> u8 {
    tracing::error!("{message}");
    1
}
