$x = 12abc
$y = "\q"
