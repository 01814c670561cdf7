node default {
  include tftp
  tftp::file { "pxelinux.cfg":
    ensure => directory,
  }
}
