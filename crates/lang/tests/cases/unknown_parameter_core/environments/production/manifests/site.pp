file { '/tmp/x': ensure => file, bogus => 1 }
