case Numeric[3] {
  Float[0.0, 1.0]: { notify { 'n1': message => {'d' => 3, 'a' => '42', 'b' => '3.5'} } }
  default: { notify { 'n2': message => 'a' } }
}
notify { 'n3': }
notify { 'n4': }
Notify['n3'] <~ Notify['n4']
['a', 'b'].each |$i, $v| {
  notify { "n5-${i}": message => [$v, 'b', 'a'].map |$x| { 3 } }
}
['A', 'x y'].filter |$x| { $x =~ String }.each |$i, $v| {
  notify { "n6-${i}": message => -default }
}
$v0 = Boolean(0)
case size(['true']) {
  'Hello', /^a/: { notify { 'n7': message => true } }
  default: { notify { 'n8': message => 2 } }
}
