$x = '1' + 1
notify { 'r': message => $x }
