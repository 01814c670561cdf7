node default {
  class { 'ntp':
    servers         => ['0.pool.ntp.org', '1.pool.ntp.org'],
    keys_enable     => true,
    keys_file       => '/etc/ntp/keys',
    keys_controlkey => 15,
    keys_requestkey => 15,
    keys_trusted    => [1, 2, 15],
    keys            => ['1 M AAAABBBB', '15 M SECRET'],
  }
}
