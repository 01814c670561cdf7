notice(1)
$x = 1 ? { 1 => 2 }
notice($x)
