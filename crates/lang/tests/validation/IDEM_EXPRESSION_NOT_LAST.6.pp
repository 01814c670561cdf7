$a = 1
$a
$b = $a ? { 1 => 2, default => 3 }
unless $a { notice(1) }
