if true {
  notify { 'n1': message => "v=${100}" }
} else {
  notify { 'n2': message => 'b' }
}
if (true and true) {
  notify { 'n3': message => "${'true'}-${(true)}" }
} else {
  notify { 'n4': message => false.each |$x| { $x } }
}
define d4(Array[Variant[Integer, String]] $x = ['10', 'Hello', 1]) {
  notify { "${title}-n5": message => $x }
}
d4 { ['n6', 'n7']: x => [] }
if (true =~ Iterable) {
  notify { 'n8': message => ([0] - [100, 'true']) }
} else {
  notify { 'n9': message => ([''] =~ Tuple[Integer, String]) }
}
unless empty('a') {
  notify { 'n10': message => {'b' => 'A'}.map |$k, $v| { $k } }
} else {
  notify { 'n11': message => Integer(true) }
}
case ('x y' in {}) {
  -5: { notify { 'n12': message => [2, 1, 3][5] } }
  default: { notify { 'n13': message => -2.5 } }
}
