//! `bunraku parser validate FILE…`: syntax checks with Puppet's exit codes (0 valid, 1 errors).

use std::collections::HashMap;
use std::path::PathBuf;

use bunraku_lang::definitions::{Entity, EntityKind};
use bunraku_lang::{Level, Validation};
use clap::{Args, Subcommand};

use crate::logging::{self, Verbosity};

#[derive(Args, Debug)]
pub struct ParserArgs {
    #[command(subcommand)]
    action: ParserAction,
}

#[derive(Subcommand, Debug)]
enum ParserAction {
    /// Validate the syntax of manifests: the files given, else standard input when it is not a
    /// terminal, else the environment's default manifest (as Puppet does).
    Validate {
        files: Vec<PathBuf>,
        #[command(flatten)]
        common: crate::Common,
    },
}

pub fn run(args: ParserArgs) -> u8 {
    logging::init(Verbosity::Notice);
    let ParserAction::Validate { files, common } = args.action;
    if files.is_empty() {
        use std::io::{IsTerminal, Read};
        if !std::io::stdin().is_terminal() {
            let mut text = String::new();
            if let Err(e) = std::io::stdin().read_to_string(&mut text) {
                tracing::error!("Could not read standard input: {e}");
                return 1;
            }
            return report(&[PathBuf::from("STDIN")], vec![bunraku_lang::check_text(&text)]);
        }
        let settings = match super::load_settings(&common, crate::settings::RunMode::User, Vec::new()) {
            Ok(s) => s,
            Err(code) => return code,
        };
        let manifest = settings.path("environmentpath").join(settings.get("environment")).join("manifests");
        tracing::info!("No manifest specified. Validating the default manifest {}", manifest.display());
        // A missing manifest is checked as the file it names, and so reported.
        let files =
            if manifest.exists() { bunraku_lang::manifest_files(&manifest) } else { vec![manifest.clone()] };
        let results = check_all(&files);
        return report(&files, results);
    }
    // Puppet names files by their absolute path in every message.
    let files: Vec<PathBuf> = files.iter().map(|f| crate::absolute(f)).collect();
    let results = check_all(&files);
    report(&files, results)
}

/// Logs what the files' checks found as Puppet logs it; the exit status.
fn report(files: &[PathBuf], results: Vec<Validation>) -> u8 {
    // Puppet logs warnings, and each error of a file with several, as it meets them; the error a
    // file fails with (the only one, or "Language validation logged N errors") at the end of the
    // run. It registers each valid file's defined types, functions and type aliases in one loader,
    // file after file: a second definition of a name ends the run there. Unlocated warnings (a
    // metaparameter as a parameter) are logged once per run.
    let mut seen: HashMap<(EntityKind, &str), (&PathBuf, &Entity)> = HashMap::new();
    let mut warned_once = std::collections::HashSet::new();
    let mut deferred = Vec::new();
    for (file, found) in files.iter().zip(&results) {
        let (met, failure) = found.log_parts();
        deferred.extend(failure);
        for (level, e) in met {
            match level {
                Level::Warning
                    if e.file.is_none() && e.line.is_none() && !warned_once.insert(e.message.clone()) => {}
                Level::Warning => tracing::warn!("{}", e.puppet_text()),
                Level::Error => super::catalog::print_diagnostic(&e),
            }
        }
        for entity in &found.entities {
            if let Some((first, original)) = seen.get(&(entity.kind, entity.name.as_str())) {
                tracing::error!(
                    "Attempt to redefine entity '{}'. Originally set at file://{}?line={}&pos={}.",
                    entity.uri(),
                    first.display(),
                    original.line,
                    original.pos
                );
                tracing::error!("Try 'bunraku help parser validate' for usage");
                return 1;
            }
            seen.insert((entity.kind, entity.name.as_str()), (file, entity));
        }
    }
    for (_, e) in &deferred {
        super::catalog::print_diagnostic(e);
    }
    u8::from(results.iter().any(|found| !found.errors.is_empty()))
}

/// Checks the files on every core (a module tree is thousands of small files, each independent),
/// returning the findings in the order the files were given so the output reads as Puppet's.
fn check_all(files: &[PathBuf]) -> Vec<Validation> {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).min(files.len().max(1));
    if workers <= 1 {
        return files.iter().map(|f| bunraku_lang::check_file(f)).collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut results: Vec<_> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                s.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(file) = files.get(i) else { break done };
                        done.push((i, bunraku_lang::check_file(file)));
                    }
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().expect("a validation thread panicked")).collect()
    });
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}
