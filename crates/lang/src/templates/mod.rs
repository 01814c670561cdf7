//! EPP templates: Puppet code in text, translated for the ordinary parser. (ERB templates are
//! Ruby, rendered by Ruby's own ERB through the bridge: `eval::ruby`.)

pub mod epp;
