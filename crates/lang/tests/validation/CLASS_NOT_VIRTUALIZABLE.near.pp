class { 'a': }
