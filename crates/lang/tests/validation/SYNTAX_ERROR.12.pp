define d($x = $y = 1, $name, *$r) { 1 }
