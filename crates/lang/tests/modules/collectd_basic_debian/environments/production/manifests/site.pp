node default {
  class { "collectd":
    purge        => true,
    recurse      => true,
    purge_config => true,
    manage_repo  => false,
  }
  class { "collectd::plugin::cpu": }
  class { "collectd::plugin::load": }
  class { "collectd::plugin::memory": }
}
