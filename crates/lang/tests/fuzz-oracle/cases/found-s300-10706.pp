define d0(Boolean $x) {
  notify { "${title}-n1": message => $x }
}
d0 { ['n2', 'n3']: x => [].any |$x| { $x == 0 } }
Notify { withpath => notice }
notify { 'n4': message => ['true', 'true', 'true'] }
[42].each |$i, $v| {
  notify { "n5-${i}": message => String(type(['3.5', '3.5'], generalized)) }
}
define d5(Hash $x = {'c' => 'x y'}) {
  notify { "${title}-n6": message => $x }
}
d5 { ['n7', 'n8']:  }
Hash({'a' => 1, 'b' => 2}).each |$v| {
  notify { "n9-${v}": message => ['3.5', 0, 'b'].reverse_each.map |$x| { $x } }
}
values({'d' => '3.5'}).each |$i, $v| {
  notify { "n10-${i}": message => Array('é') }
}
