$h = { 'x' => 1, 'y' => 2 }
$h.each |$k, $v| { notify { "h-${k}": message => String($v) } }
[10, 20].each |$i, $v| { notify { "a-${i}": message => String($v) } }
