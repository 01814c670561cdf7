package { ['a', 'b']: }
service { 'c': }
[Package['a'], Package['b']] -> Service['c']
file { '/f': } -> package { 'd': } -> service { 'e': }
