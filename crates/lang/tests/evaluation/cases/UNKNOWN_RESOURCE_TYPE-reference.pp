$x = Nosuchtype['a']
notify { 'r': require => $x }
