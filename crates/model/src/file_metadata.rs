//! File metadata served by `file_metadata(s)` (schema `file_metadata.json`).

use serde::{Deserialize, Serialize};

/// The kind of filesystem object a metadata entry describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileType {
    File,
    Directory,
    Link,
}

/// A checksum as Puppet writes it: `{"type": "sha256", "value": "{sha256}abcd…"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checksum {
    #[serde(rename = "type")]
    pub kind: String,
    pub value: String,
}

/// One file's metadata. For a search, `path` is the base directory and `relative_path` the entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileMetadata {
    pub path: String,
    pub relative_path: Option<String>,
    pub links: String,
    pub owner: u32,
    pub group: u32,
    /// Permission bits as a decimal integer (`420` is `0644`).
    pub mode: u32,
    pub checksum: Checksum,
    #[serde(rename = "type")]
    pub file_type: FileType,
    pub destination: Option<String>,
}
