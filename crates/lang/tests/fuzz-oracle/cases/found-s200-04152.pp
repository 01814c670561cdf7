if empty({'b' => 7, 'a' => 10, 'c' => 7}) {
  notify { 'n1': message => (false or false) }
} else {
  notify { 'n2': message => -5 }
}
notify { 'n3': message => (['é'] - [10, 'Hello']).reduce(0) |$m, $v| { $m + 1 } }
unless Boolean('yes') {
  notify { 'n4': message => ({'c' => 3, 'd' => 'Hello'} + {'c' => 'A', 'd' => 'A'}) }
} else {
  notify { 'n5': message => String(type({'b' => 'é'})) }
}
Notify { tag => true }
notify { 'n6': message => ('A' in []) }
case [0, 'true', '10'].any |$x| { $x == 2 } {
  /^a/, 7: { notify { 'n7': message => (0 in ['true', 'Hello']) } }
  default: { notify { 'n8': message => type(2.5) } }
}
define d8(Iterable $x = ['42']) {
  notify { "${title}-n9": message => $x }
}
d8 { ['n10']: x => [1, 2] }
