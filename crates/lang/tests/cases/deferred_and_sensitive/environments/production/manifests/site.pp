$s = Sensitive('secret')
notify { 'x': message => $s }
notify { 'y': message => "${s}" }
