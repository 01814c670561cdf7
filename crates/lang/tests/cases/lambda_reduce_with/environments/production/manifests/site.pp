$sum = [1, 2, 3, 4].reduce |$memo, $x| { $memo + $x }
$sum10 = [1, 2, 3].reduce(10) |$memo, $x| { $memo + $x }
$hr = { 'a' => 1, 'b' => 2 }.reduce(0) |$m, $kv| { $m + $kv[1] }
$w = with(1, 2) |$x, $y| { $x + $y }
notify { 'r': message => "${sum} ${sum10} ${hr} ${w}" }
