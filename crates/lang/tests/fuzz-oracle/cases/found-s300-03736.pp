define d0(Scalar $x) {
  notify { "${title}-n1": message => $x }
}
d0 { ['n2']: x => !true }
notify { 'n3': message => 0.step(2).map |$x| { $x } }
notify { 'n4': message => [].reduce({}) |$m, $v| { $m + { "${v}" => $v } } }
notify { 'n5': message => String(type({}, generalized)) }
