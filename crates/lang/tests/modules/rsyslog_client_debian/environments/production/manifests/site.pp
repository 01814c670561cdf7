node default {
  class { "rsyslog::client":
    remote_servers => [{ host => "log.example.com", port => "514", protocol => "tcp" }],
  }
}
