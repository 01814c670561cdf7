Notify { loglevel => notice }
notify { 'n1': message => -5 }
notify { 'n2': }
notify { 'n3': }
Notify['n2'] ~> Notify['n3']
notify { 'n4': message => { 'b' => Integer([2, 100, '0x1F']), 'z' => 'b' } }
['a', 'b'].each |$i, $v| {
  notify { "n5-${i}": message => -true }
}
$v0 = 10
