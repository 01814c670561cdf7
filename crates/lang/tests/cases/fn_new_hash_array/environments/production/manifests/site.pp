$h = Hash(['a', 1, 'b', 2])
$a = Array([1, 2])
$s = String(3.0)
$f = Float('1e2')
notify { 'x': message => "${h} ${a} ${s} ${f}" }
