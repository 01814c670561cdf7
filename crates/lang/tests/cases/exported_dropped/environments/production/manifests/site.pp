@@file { '/tmp/exported': ensure => file }
@@host { 'web01': ip => '10.0.0.1' }
notify { 'kept': }
File <<| |>>
