//! Templates: EPP (Puppet code in text, translated for the ordinary parser) and ERB (a Ruby
//! subset interpreted here, since there is no Ruby to run it).

pub mod epp;
pub mod erb;
