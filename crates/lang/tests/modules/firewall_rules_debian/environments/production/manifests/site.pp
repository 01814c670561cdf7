node default {
  include firewall
  firewall { "000 accept all icmp":
    proto  => "icmp",
    action => "accept",
  }
  firewall { "100 allow ssh":
    dport  => 22,
    proto  => "tcp",
    action => "accept",
  }
}
