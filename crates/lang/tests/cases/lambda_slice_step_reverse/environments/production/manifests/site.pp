$s = [1, 2, 3, 4, 5].slice(2).map |$x| { $x }
$st = Array(1.step(10, 3))
$rv = Array([1, 2, 3].reverse_each)
[1, 2, 3, 4].slice(2) |$a, $b| { notify { "slice-${a}-${b}": } }
notify { 'x': message => "${s} ${st} ${rv}" }
