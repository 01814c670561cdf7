//! `bunraku parser validate FILE…`: syntax checks with Puppet's exit codes (0 valid, 1 errors).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use bunraku_lang::definitions::{validate_file_entities, Entity, EntityKind};

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
    // Puppet names files by their absolute path in every message.
    let files: Vec<PathBuf> = files.iter().map(|f| absolute(f)).collect();
    let results = validate_all(&files);
    // Puppet registers each valid file's defined types, functions and type aliases in one loader,
    // file after file; a second definition of a name ends the whole run before any error is shown.
    let mut seen: HashMap<(EntityKind, String), (&PathBuf, Entity)> = HashMap::new();
    for (file, result) in files.iter().zip(&results) {
        for entity in result.as_ref().ok().into_iter().flatten() {
            if let Some((first, original)) = seen.get(&(entity.kind, entity.name.clone())) {
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
            seen.insert((entity.kind, entity.name.clone()), (file, entity.clone()));
        }
    }
    let mut code = 0;
    for result in results {
        if let Err(e) = result {
            super::catalog::print_diagnostic(&e);
            code = 1;
        }
    }
    code
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// The outcome of validating one file: the entities it defines, or its first error (boxed: errors
/// are rare and large).
type Validated = Result<Vec<Entity>, Box<bunraku_lang::CompileError>>;

fn validate(file: &Path) -> Validated {
    validate_file_entities(file).map_err(Box::new)
}

/// Validates the files on every core (a module tree is thousands of small files, each independent),
/// returning the outcomes in the order the files were given so the output reads as Puppet's.
fn validate_all(files: &[PathBuf]) -> Vec<Validated> {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).min(files.len().max(1));
    if workers <= 1 {
        return files.iter().map(|f| validate(f)).collect();
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
                        done.push((i, validate(file)));
                    }
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().expect("a validation thread panicked")).collect()
    });
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}
