notify { 'a': require => 'b' }
