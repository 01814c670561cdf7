$s = [1, 2, 3, 4, 5].slice(2).map |$x| { $x }
$st = Array([1, 2, 3, 4, 5, 6, 7].step(3))
$rv = Array([1, 2, 3].reverse_each)
[1, 2, 3, 4].slice(2) |$a, $b| { notify { "slice-${a}-${b}": } }
$h = { 'a' => 1, 'b' => 2, 'c' => 3 }
$h.slice(2) |$pair| { notify { "hs-${pair}": } }
notify { 'x': message => "${s} ${st} ${rv}" }
