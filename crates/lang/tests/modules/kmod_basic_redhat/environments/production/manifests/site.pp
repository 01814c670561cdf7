node default {
  include kmod
  kmod::load { "dummy": }
  kmod::alias { "bond0": source => "bonding" }
  kmod::blacklist { "pcspkr": }
  kmod::option { "bonding mode":
    module => "bonding",
    option => "mode",
    value  => "1",
  }
  kmod::install { "usb-storage": command => "/bin/true" }
}
