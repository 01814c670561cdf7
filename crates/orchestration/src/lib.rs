//! Orchestration as MCollective did it: servers on every node answer agents (`rpcutil`,
//! `discovery`, `puppet`, `service`, `package`) over real middleware (RabbitMQ's STOMP, NATS), and a
//! client discovers nodes by facts, classes and identity and acts on them at once.
//!
//! The wire format is MCollective 2.12's with its `ssl` security plugin and YAML serializer, so
//! Debian's `mco` and `mcollectived` interoperate with ours; every identity is a certificate from
//! the Puppet CA, and Bunraku's own messages carry it and a signature over every field.

pub mod agents;
pub mod audit;
pub mod client;
pub mod config;
pub mod filter;
pub mod message;
pub mod node;
pub mod policy;
pub mod rvalue;
pub mod security;
pub mod server;
pub mod transport;
