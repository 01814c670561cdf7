define d($x, $x) {}
