notify { 'n1': message => Any.map |$x| { $x } }
notify { 'n2': message => {'a' => 'é'} }
3.each |$i, $v| {
  notify { "n3-${i}": message => split('ab,cd', 'b')[0] }
}
define d3(Collection $x = {}) {
  notify { "${title}-n4": message => $x }
}
d3 { ['n5', 'n6']: x => Hash(['a', 1, 'b', 2]) }
Integer[1, 2].each |$i, $v| {
  notify { "n7-${i}": message => [$v, $v, 0].reduce({}) |$m, $v| { $m + { "${v}" => $v } } }
}
notify { 'n8': message => Boolean('false') }
notify { 'n9': message => ('0x1F' == 'true') }
define d9(String $x = '42') {
  notify { "${title}-n10": message => $x }
}
d9 { ['n11', 'n12']: x => sprintf('%s', 0) }
