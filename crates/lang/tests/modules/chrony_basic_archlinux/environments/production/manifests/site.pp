node default {
  class { 'chrony':
    servers         => ['0.pool.ntp.org', '1.pool.ntp.org'],
    chrony_password => 'secret',
    keys            => ['25 SHA1 HEX:1dc764e0791b11fa67efc7ecbc4b0d73f68a070c'],
  }
}
