notify { 'title1': name => 'named' }
exec { 'e': command => '/bin/true' }
exec { '/bin/false': }
