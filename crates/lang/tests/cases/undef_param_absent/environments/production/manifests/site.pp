notify { 'x': message => undef, withpath => false }
file { '/tmp/u': ensure => file, mode => undef }
