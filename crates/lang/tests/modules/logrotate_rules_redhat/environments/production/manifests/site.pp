node default {
  logrotate::rule { 'messages':
    path         => '/var/log/messages',
    rotate       => '5',
    rotate_every => 'week',
    postrotate   => '/usr/bin/killall -HUP syslogd',
  }
  logrotate::rule { 'apache':
    path          => '/var/log/apache/*.log',
    rotate        => '7',
    compress      => true,
    delaycompress => true,
    missingok     => true,
    ifempty       => false,
  }
}
