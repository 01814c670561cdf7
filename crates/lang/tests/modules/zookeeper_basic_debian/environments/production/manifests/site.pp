node default {
  class { "zookeeper":
    servers => ["10.0.0.1", "10.0.0.2", "10.0.0.3"],
    id      => "1",
  }
}
