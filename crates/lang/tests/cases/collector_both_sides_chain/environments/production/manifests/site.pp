@package { ['a', 'b']: ensure => installed, tag => 'pkgs' }
@service { 'svc': ensure => running }
file { '/etc/x': ensure => file }
Package <| tag == 'pkgs' |> -> File['/etc/x'] ~> Service <| title == 'svc' |>
