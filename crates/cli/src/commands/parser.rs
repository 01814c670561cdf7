//! `bunraku parser validate FILE…`: syntax checks with Puppet's exit codes (0 valid, 1 errors).

use std::path::PathBuf;

use bunraku_lang::Level;
use clap::{Args, Subcommand};

use crate::logging::{self, Verbosity};

#[derive(Args, Debug)]
pub struct ParserArgs {
    #[command(subcommand)]
    action: ParserAction,
}

#[derive(Subcommand, Debug)]
enum ParserAction {
    /// Validate the syntax of manifests.
    Validate { files: Vec<PathBuf> },
}

pub fn run(args: ParserArgs) -> u8 {
    logging::init(Verbosity::Notice);
    let ParserAction::Validate { files } = args.action;
    let mut code = 0;
    for file in &files {
        // Puppet's lines, in its order and wording (scripts around `puppet parser validate`
        // match on them): warnings, then one "Could not parse for environment production: …"
        // error, or every validation error and a "Language validation logged N errors" summary.
        let found = bunraku_lang::check_file(file);
        for (level, e) in found.log() {
            match level {
                Level::Warning => tracing::warn!("{}", e.puppet_text()),
                Level::Error => super::catalog::print_diagnostic(&e),
            }
        }
        if !found.errors.is_empty() {
            code = 1;
        }
    }
    code
}
