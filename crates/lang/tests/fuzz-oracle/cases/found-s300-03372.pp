$v0 = [-1, '']
notify { 'n1': message => $v0.slice(2).map |$p| { size($p) } }
$v0.each |$i, $v| {
  notify { "n2-${i}": message => String(type(['3.5', '3.5', '0x1F'], generalized)) }
}
notify { 'n3': message => 'Hello' }
notify { 'n4': message => 0.step(1).map |$x| { $x } }
