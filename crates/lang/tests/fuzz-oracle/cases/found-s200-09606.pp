define d0( $x) {
  notify { "${title}-n1": message => $x }
}
d0 { ['n2']: x => String(type(([2, 'true'] << undef), generalized)) }
notify { 'n3': message => (-5 < 1) }
notify { 'n4': message => ['10'].reduce({}) |$m, $v| { $m + { "${v}" => $v } } }
