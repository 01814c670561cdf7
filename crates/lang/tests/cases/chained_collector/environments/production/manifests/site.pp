@package { 'p': ensure => installed }
service { 's': ensure => running }
Package <| title == 'p' |> -> Service['s']
