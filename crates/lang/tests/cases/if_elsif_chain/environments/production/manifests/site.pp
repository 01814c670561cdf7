$x = 5
if $x < 3 { $r = 'low' } elsif $x < 7 { $r = 'mid' } else { $r = 'high' }
if $x > 100 { notify { 'never': } }
notify { 'x': message => $r }
