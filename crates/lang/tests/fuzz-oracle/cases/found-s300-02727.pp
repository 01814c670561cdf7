$v0 = String(type([].reverse_each.map |$x| { $x }, generalized))
case '' {
  -1, /^a/: { notify { 'n1': message => String(true) } }
  default: { notify { 'n2': message => true } }
}
notify { 'n3': message => size(values({'a' => 0})) }
case String([$v0]) {
  $v0: { notify { 'n4': message => (2 >> 1) } }
  default: { notify { 'n5': message => {'b' => $v0} } }
}
