package { ['a', 'b']: ensure => installed }
service { 'svc':
  ensure  => running,
  require => Package['a', 'b'],
}
file { '/x': ensure => file, before => [Service['svc']], subscribe => Package['a'] }
class foo { }
include foo
notify { 'n': require => Class['foo'] }
