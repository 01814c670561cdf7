//! The environments under `environmentpath`, each opened once and shared, so that parsed code is
//! cached across compiles (the lang crate invalidates on file change).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use bunraku_lang::{Environment, LanguageSettings};

/// Why an environment could not be had.
#[derive(Debug, thiserror::Error)]
pub enum EnvironmentError {
    /// The name is not `\A\w+\Z` (400).
    #[error("The environment must be purely alphanumeric, not '{0}'")]
    BadName(String),
    /// No such directory under `environmentpath` (404).
    #[error("Could not find environment '{0}'")]
    NotFound(String),
    /// The directory exists but could not be opened (500).
    #[error("Could not open environment '{name}': {message}")]
    Open { name: String, message: String },
}

/// Whether `name` is a valid environment name: `\A\w+\Z` with ASCII word characters.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// One `Arc<Environment>` per name, created lazily when `<environmentpath>/<name>` exists.
pub struct Environments {
    environmentpath: PathBuf,
    basemodulepath: Vec<PathBuf>,
    language: LanguageSettings,
    cache: Mutex<HashMap<String, Arc<Environment>>>,
}

impl Environments {
    /// Environments found under `environmentpath`, with `basemodulepath` after each one's `modules/`.
    pub fn new(environmentpath: PathBuf, basemodulepath: Vec<PathBuf>) -> Self {
        Environments {
            environmentpath,
            basemodulepath,
            language: LanguageSettings::default(),
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// Every environment compiles with these settings (`strict_variables`, `strict`).
    pub fn with_language(mut self, language: LanguageSettings) -> Self {
        self.language = language;
        self
    }

    /// The directory environments live in.
    pub fn environmentpath(&self) -> &Path {
        &self.environmentpath
    }

    /// The directory of one environment (which may not exist).
    pub fn root(&self, name: &str) -> PathBuf {
        self.environmentpath.join(name)
    }

    /// The environment `name`, opening it on first use. An environment whose directory has been
    /// removed is forgotten, so deleting a directory takes effect without a restart.
    pub fn get(&self, name: &str) -> Result<Arc<Environment>, EnvironmentError> {
        if !valid_name(name) {
            return Err(EnvironmentError::BadName(name.to_string()));
        }
        let exists = self.root(name).is_dir();
        let mut cache = self.cache.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if !exists {
            cache.remove(name);
            return Err(EnvironmentError::NotFound(name.to_string()));
        }
        if let Some(env) = cache.get(name) {
            return Ok(env.clone());
        }
        let env = Environment::open(&self.environmentpath, name, &self.basemodulepath)
            .map_err(|e| EnvironmentError::Open { name: name.to_string(), message: e.to_string() })?
            .with_settings(self.language);
        let env = Arc::new(env);
        cache.insert(name.to_string(), env.clone());
        tracing::debug!("Opened environment {name}");
        Ok(env)
    }

    /// The names of every environment directory, sorted.
    pub fn names(&self) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(&self.environmentpath) else { return Vec::new() };
        let mut names: Vec<String> = entries
            .filter_map(|e| e.ok())
            .filter(|e| e.path().is_dir())
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| valid_name(n))
            .collect();
        names.sort();
        names
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_word_characters() {
        for ok in ["production", "dev_1", "A"] {
            assert!(valid_name(ok), "{ok}");
        }
        for bad in ["", "../x", "a-b", "a.b", "pröd", "a b", "a\0"] {
            assert!(!valid_name(bad), "{bad}");
        }
    }

    #[test]
    fn lazily_opened_and_forgotten() {
        let dir = tempfile::tempdir().unwrap();
        let envs = Environments::new(dir.path().to_path_buf(), vec![]);
        assert!(matches!(envs.get("production"), Err(EnvironmentError::NotFound(_))));
        assert!(matches!(envs.get("../etc"), Err(EnvironmentError::BadName(_))));
        std::fs::create_dir(dir.path().join("production")).unwrap();
        let a = envs.get("production").unwrap();
        let b = envs.get("production").unwrap();
        assert!(Arc::ptr_eq(&a, &b));
        assert_eq!(envs.names(), vec!["production".to_string()]);
        std::fs::remove_dir(dir.path().join("production")).unwrap();
        assert!(envs.get("production").is_err());
    }
}
