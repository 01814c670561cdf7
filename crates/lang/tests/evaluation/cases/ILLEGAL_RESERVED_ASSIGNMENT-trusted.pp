$x = 1
$trusted = 2
