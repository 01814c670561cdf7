function f($a, $b) { $a }
$x = f(1)
