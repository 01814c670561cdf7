service { 's': ensure => running }
Package <| title == 'nope' |> -> Service['s']
Service['s'] -> Package <| tag == 'none' |>
