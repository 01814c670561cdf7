$x = "${[1, 2]}"
notify { 'r': message => $x }
