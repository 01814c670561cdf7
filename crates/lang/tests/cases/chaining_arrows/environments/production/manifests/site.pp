package { 'ntp': ensure => installed }
file { '/etc/ntp.conf': ensure => file }
service { 'ntpd': ensure => running }
Package['ntp'] -> File['/etc/ntp.conf'] ~> Service['ntpd']
exec { 'a': command => '/bin/true' }
exec { 'b': command => '/bin/true' }
Exec['b'] <- Exec['a']
exec { 'c': command => '/bin/true', before => Exec['a'] }
Exec['c'] -> Exec['b']
notify { 'x': } <~ exec { 'd': command => '/bin/true' }
