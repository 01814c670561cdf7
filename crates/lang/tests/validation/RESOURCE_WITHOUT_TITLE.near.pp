file { '/tmp/a': ensure => present }
