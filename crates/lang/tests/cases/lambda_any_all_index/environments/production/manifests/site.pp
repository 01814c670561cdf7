$a = [1, 5, 10]
$any = $a.any |$x| { $x > 7 }
$all = $a.all |$x| { $x > 0 }
$none = $a.any |$x| { $x > 70 }
$idx = $a.index |$x| { $x == 5 }
$idx2 = $a.index(10)
notify { 'x': message => "${any} ${all} ${none} ${idx} ${idx2}" }
