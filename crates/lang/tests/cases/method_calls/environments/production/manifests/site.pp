$a = [3, 1, 2]
$a.each |$x| { notify { "each ${x}": } }
$h = { 'k1' => 'v1', 'k2' => 'v2' }
$h.each |$k, $v| { notify { "pair ${k}=${v}": } }
$doubled = $a.map |$x| { $x * 2 }
$big = $a.filter |$x| { $x > 1 }
notify { 'results': message => [$doubled, $big] }
