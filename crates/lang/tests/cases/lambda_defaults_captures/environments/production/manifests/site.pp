$r = with(1) |$a, $b = 5, *$rest| { "${a}-${b}-${rest}" }
$r2 = with(1, 2, 3, 4) |$a, $b = 5, *$rest| { "${a}-${b}-${rest}" }
notify { 'x': message => "${r} ${r2}" }
