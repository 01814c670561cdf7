node default {
  class { "postgresql::globals":
    version             => "15",
    manage_package_repo => false,
  }
  class { "postgresql::server": }
  postgresql::server::db { "app":
    user     => "app",
    password => postgresql::postgresql_password("app", "secret"),
  }
}
