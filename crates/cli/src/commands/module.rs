//! `bunraku module list`: the modules of an environment's modulepath, printed as `puppet module list`
//! prints them (a module without metadata.json shows as `(???)`, as in the seed).

use clap::{Args, Subcommand};

use super::load_settings;
use crate::logging::{self, Verbosity};
use crate::settings::RunMode;
use crate::Common;

#[derive(Args, Debug)]
pub struct ModuleArgs {
    #[command(flatten)]
    common: Common,
    #[command(subcommand)]
    action: ModuleAction,
}

#[derive(Subcommand, Debug)]
enum ModuleAction {
    /// List the installed modules, per modulepath directory.
    List {
        #[arg(long, short = 'E', default_value = "production")]
        environment: String,
        /// Colon-separated directories to list instead of the environment's modulepath.
        #[arg(long)]
        modulepath: Option<String>,
    },
}

pub fn run(args: ModuleArgs) -> u8 {
    logging::init(Verbosity::from_flags(args.common.verbose, args.common.debug));
    let settings = match load_settings(&args.common, RunMode::User, Vec::new()) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let ModuleAction::List { environment, modulepath } = args.action;
    let dirs: Vec<std::path::PathBuf> = match modulepath {
        Some(mp) => mp.split(':').filter(|s| !s.is_empty()).map(Into::into).collect(),
        None => {
            let env = settings.path("environmentpath").join(&environment);
            let mut dirs = Vec::new();
            if env.is_dir() {
                dirs.push(env.join("modules"));
            }
            dirs.extend(settings.path_list("basemodulepath"));
            dirs
        }
    };
    print!("{}", render(&bunraku_lang::modules::list(&dirs)));
    0
}

/// The text `puppet module list` prints for these directories.
fn render(listing: &[(std::path::PathBuf, Vec<bunraku_lang::modules::ModuleInfo>)]) -> String {
    let mut out = String::new();
    // Like Puppet, directories that do not exist are left out; existing empty ones are listed.
    for (dir, modules) in listing.iter().filter(|(dir, _)| dir.is_dir()) {
        if modules.is_empty() {
            out.push_str(&format!("{} (no modules installed)\n", dir.display()));
            continue;
        }
        out.push_str(&format!("{}\n", dir.display()));
        for (i, m) in modules.iter().enumerate() {
            let branch = if i + 1 == modules.len() { "└──" } else { "├──" };
            match &m.version {
                Some(v) => {
                    let name = m.full_name.clone().unwrap_or_else(|| m.name.clone()).replace('/', "-");
                    out.push_str(&format!("{branch} {name} (v{v})\n"));
                }
                None => out.push_str(&format!("{branch} {} (???)\n", m.name)),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_like_puppet_module_list() {
        let dir = tempfile::tempdir().unwrap();
        let mods = dir.path().join("modules");
        std::fs::create_dir_all(mods.join("nginx/manifests")).unwrap();
        std::fs::create_dir_all(mods.join("ntp")).unwrap();
        std::fs::write(mods.join("ntp/metadata.json"), r#"{"name":"puppetlabs-ntp","version":"9.2.0"}"#)
            .unwrap();
        let empty = dir.path().join("empty");
        std::fs::create_dir_all(&empty).unwrap();
        let missing = dir.path().join("missing");
        let text = render(&bunraku_lang::modules::list(&[mods.clone(), empty.clone(), missing]));
        assert_eq!(
            text,
            format!(
                "{}\n├── nginx (???)\n└── puppetlabs-ntp (v9.2.0)\n{} (no modules installed)\n",
                mods.display(),
                empty.display()
            )
        );
    }
}
