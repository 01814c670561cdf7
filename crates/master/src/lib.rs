//! The Bunraku master: Puppet 7's `/puppet/v3`, `/puppet-ca/v1` and `/status/v1` over mutual TLS.
