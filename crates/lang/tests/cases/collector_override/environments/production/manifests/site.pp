file { '/etc/a': ensure => file, mode => '0644' }
file { '/etc/b': ensure => file, mode => '0644', tag => ['special'] }
@file { '/etc/c': ensure => file }
File <| tag == 'special' |> { mode => '0600', owner => 'root' }
File <| title == '/etc/c' |> { group => 'wheel' }
