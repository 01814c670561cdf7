node default {
  class { 'ntp':
    servers  => ['0.pool.ntp.org', '1.pool.ntp.org'],
    restrict => ['default kod nomodify notrap nopeer noquery', '127.0.0.1'],
  }
}
