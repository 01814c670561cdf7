notice(1)
$x == 1
$y = 1 + 2
