class a($name, $name) { 1 }
$h = { a => 1, a => 2 }
$x = "\q"
