$a = [1, 2, 3, 4, 5].map |$x| { if $x == 2 { next(20) } $x }
$b = [1, 2, 3, 4, 5].filter |$x| { if $x > 3 { break() } true }
notify { 'x': message => "${a} ${b}" }
