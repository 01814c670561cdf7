notify { 'n1': message => {'c' => '0x1F'} }
Notify { loglevel => x }
notify { 'n2': message => max(-1, 2) }
['a', 'b'].each |$i, $v| {
  notify { "n3-${i}": message => min($v, -1) }
}
$v0 = {'d' => 2, 'b' => 42}
notify { 'n4': message => flatten(false) }
