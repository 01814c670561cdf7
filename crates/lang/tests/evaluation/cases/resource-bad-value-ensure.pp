file { '/tmp/x': ensure => 'sideways' }
