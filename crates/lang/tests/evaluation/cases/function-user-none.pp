function f($x) { $x }
$y = f()
