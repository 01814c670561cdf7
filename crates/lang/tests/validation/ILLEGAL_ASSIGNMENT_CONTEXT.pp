define d($x = [1, $y = 2]) {}
