# saz-rsyslog's rsyslog.conf.erb reads @modules, which rsyslog::config never sets (Puppet 3's
# dynamic scoping gave it rsyslog::params'); a template sees top-scope variables, so a site sets it.
$modules = [
  '$ModLoad imuxsock # provides support for local system logging',
  '$ModLoad imklog   # provides kernel logging support',
]
node default {
  # custom_config => '' selects the module's own template (undef does not match '' on Puppet 4+).
  class { 'rsyslog::server':
    enable_tcp                => true,
    enable_udp                => true,
    enable_onefile            => false,
    high_precision_timestamps => true,
    custom_config             => '',
  }
  class { 'rsyslog::client':
    log_local      => true,
    log_auth_local => true,
    remote_type    => 'udp',
    server         => 'log.example.com',
    preserve_fqdn  => true,
    custom_config  => '',
  }
  class { 'rsyslog::database':
    backend  => 'mysql',
    server   => 'db.example.com',
    database => 'Syslog',
    username => 'rsyslog',
    password => 'secret',
  }
  rsyslog::imfile { 'apache-access':
    file_name     => '/var/log/apache2/access.log',
    file_tag      => 'apache-access',
    file_facility => 'local6',
    file_severity => 'info',
  }
  # The per-host layout and the header and footer the module ships for custom server configs.
  rsyslog::snippet { 'server-by-host':
    content => template('rsyslog/server/_default-header.conf.erb', 'rsyslog/server-hostname.conf.erb', 'rsyslog/server/_default-footer.conf.erb'),
  }
}
