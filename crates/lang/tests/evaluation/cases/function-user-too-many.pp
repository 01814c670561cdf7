function f($x) { $x }
$y = f(1, 2)
