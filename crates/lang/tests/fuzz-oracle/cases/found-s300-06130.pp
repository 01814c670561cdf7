[1, 2, 3].each |$i, $v| {
  notify { "n1-${i}": message => ['x y'] }
}
notify { 'n2': message => String(type({'b' => 3}, generalized)) }
notify { 'n3': message => ('' != 'x y') }
define d3(Integer[0, 10] $x = 3) {
  notify { "${title}-n4": message => $x }
}
d3 { ['n5', 'n6']: x => [42, 0, 0][5] }
