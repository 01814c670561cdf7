/* abc
$x = 1
