type A = Nosuchtype
$x = 1 =~ A
