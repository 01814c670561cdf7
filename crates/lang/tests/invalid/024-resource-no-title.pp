notice(1)
file { ensure => file }
