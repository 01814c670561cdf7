//! `bunraku generate` (hidden): man pages and shell completions from the clap definitions, so the
//! package's documentation is the command line's own. `packaging/build-deb` runs it.

use std::path::PathBuf;

use clap::{Args, CommandFactory, Subcommand};

#[derive(Args, Debug)]
pub struct GenerateArgs {
    #[command(subcommand)]
    what: What,
}

#[derive(Subcommand, Debug)]
enum What {
    /// Man pages, `bunraku.1` and one `bunraku-<command>.1` per command, into DIR.
    Man { dir: PathBuf },
    /// The completion script of SHELL (bash, zsh, fish, elvish, powershell), into DIR.
    Completions { shell: clap_complete::Shell, dir: PathBuf },
}

pub fn run(args: GenerateArgs) -> u8 {
    let cmd = crate::Cli::command();
    let result = match args.what {
        What::Man { dir } => std::fs::create_dir_all(&dir).and_then(|()| clap_mangen::generate_to(cmd, &dir)),
        What::Completions { shell, dir } => std::fs::create_dir_all(&dir)
            .and_then(|()| clap_complete::generate_to(shell, &mut cmd.clone(), "bunraku", &dir).map(|_| ())),
    };
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("Error: {e}");
            1
        }
    }
}
