$x = 1 =~ Integer
$y = ($x = 2)
