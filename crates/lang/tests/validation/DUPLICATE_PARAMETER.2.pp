function f($x, $y, $x) { 1 }
