file { '/tmp/b/': ensure => directory }
notify { 'n': require => File['/tmp/b/'] }
