file { 'a': path => '/tmp/x' }
file { 'b': path => '/tmp/x' }
