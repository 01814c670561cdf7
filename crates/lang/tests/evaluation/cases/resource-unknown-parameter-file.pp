file { '/tmp/x': content => 'a', colour => 'red' }
