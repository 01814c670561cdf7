@package { 'a': ensure => installed, provider => apt }
@package { 'b': ensure => absent, provider => apt }
@package { 'c': ensure => installed, provider => gem }
Package <| ensure == installed and (provider == apt or provider == yum) |>
Package <| provider != apt and title != 'zzz' |>
