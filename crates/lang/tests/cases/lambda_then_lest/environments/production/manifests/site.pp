$h = { 'a' => 1 }
$x = $h['a'].then |$v| { $v + 1 }
$y = $h['b'].lest || { 'fallback' }
$z = $h['a'].lest || { 'unused' }
$u = $h['b'].then |$v| { 'never' }
notify { 'x': message => "${x} ${y} ${z} [${u}]" }
