$a = 1
"x${a}"
$a.foo
notice(1)
