//! `bunraku parser validate FILE…`: syntax checks with Puppet's exit codes (0 valid, 1 errors).

use std::path::PathBuf;

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
        if let Err(mut e) = bunraku_lang::validate_file(file) {
            // Puppet's wording, which scripts around `puppet parser validate` match on.
            if !e.message.starts_with("Could not parse") {
                e.message = format!("Could not parse for environment production: {}", e.message);
            }
            super::catalog::print_diagnostic(&e);
            code = 1;
        }
    }
    code
}
