//! Native implementations of functions that modules ship in Ruby. Puppet cannot run Ruby here, so
//! each function real modules call is written again in Rust, keyed by the name modules call it by.

pub mod memcached;
pub mod postgresql;
pub mod stdlib;
