define d0(Scalar $x) {
  notify { "${title}-n1": message => $x }
}
d0 { ['n2']:  }
[1, 2, 3].each |$v| {
  notify { "n3-${v}": message => Array(['b'], true) }
}
Notify { withpath => notice }
notify { 'n4': message => sort([0, 'b', 42]) }
notify { 'n5': message => Boolean(1) }
Notify { loglevel => debug }
notify { 'n6': message => false ? { true => 7, default => 0 } }
case (100 != -5) {
  -1: { notify { 'n7': message => 'Hello' } }
  default: { notify { 'n8': message => 42 } }
}
