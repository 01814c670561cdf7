//! The data that crosses process boundaries in Bunraku, with one definition each.
//!
//! Every type here serialises to exactly the JSON that Puppet 7 puts on the wire (catalog format 2,
//! report format 12, facts, file metadata, node), so that a real Puppet agent and a Bunraku master,
//! or a Bunraku agent and a real puppetserver, understand each other.

pub mod catalog;
mod deep;
pub mod facts;
pub mod file_metadata;
pub mod filebucket;
pub mod node;
pub mod reference;
pub mod report;
pub mod time;

pub use catalog::{Catalog, Edge, Resource, ResourceKind};
pub use facts::Facts;
pub use file_metadata::{Checksum, FileMetadata, FileType};
pub use node::Node;
pub use reference::{ParseReferenceError, ResourceRef};
pub use report::{Event, LogEntry, Metric, Report, ResourceStatus, RunStatus};

/// A Puppet data value as it appears in catalogs, facts and reports.
///
/// JSON is Puppet's own data model on the wire (with `preserve_order`, hash order is kept as Puppet
/// keeps it), so there is no reason for a second representation at the crate boundary.
pub type Value = serde_json::Value;

/// The Puppet version Bunraku speaks as on the wire (agents and servers check it for features).
pub const PUPPET_VERSION: &str = "7.23.0";
