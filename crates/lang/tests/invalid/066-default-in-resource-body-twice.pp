file { default: ensure => file; default: mode => '0644' }
