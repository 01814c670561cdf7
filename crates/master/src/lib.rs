//! The Bunraku master: Puppet 7's `/puppet/v3`, `/puppet-ca/v1` and `/status/v1` over mutual TLS.
//!
//! A real `puppet agent` 7.23 completes its runs against it. The map:
//! * [`server`]: [`MasterConfig`] and [`Master`] (start-up, serving, shutdown)
//! * `tls_listener`: rustls with client certificates checked against CA + CRL, reloaded when the
//!   CRL changes; one hyper connection per client with the peer identity attached
//! * [`auth`]: puppetserver's default `auth.conf` rules as data
//! * `routes`: the endpoints (`ca`, `catalog`, `files`, `report`, `status`)
//! * [`environments`]: one cached [`bunraku_lang::Environment`] per environment name
//! * [`fileserver`]: the `modules`, `plugins` and `pluginfacts` mounts
//! * [`reports`]: report processors (`store`) with a spool for reports that could not be stored
//! * [`wire`]: streaming decoders for catalog requests' facts and for reports

pub mod auth;
pub mod environments;
mod error;
mod fd_limit;
pub mod fileserver;
pub mod metrics;
pub mod reports;
mod routes;
pub mod server;
mod tls_listener;
pub mod wire;
mod x509;

pub use error::{ApiError, ErrorFormat, MasterError};
pub use server::{BodyLimits, Limits, Master, MasterConfig};
