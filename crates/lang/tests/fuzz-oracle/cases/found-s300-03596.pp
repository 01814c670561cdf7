notify { 'n1': message => Integer(['0x1F', '42']) }
notify { 'n2': message => [42, 7, 7][0] }
class c0(Hash[String, Variant[String, Integer]] $p = {'c' => 1, 'd' => -1, 'a' => 'ab,cd'}) {
  notify { 'n3': message => $p }
  notify { 'n4': message => "${p}-${title}-${name}" }
}
include c0
define d4(Iterable $x) {
  notify { "${title}-n5": message => $x }
}
d4 { ['n6', 'n7']: x => keys({'d' => 10, 'b' => 7, 'a' => 'Hello'}) }
case ('true' < 'a') {
  'b', '10': { notify { 'n8': message => "${2}" } }
  default: { notify { 'n9': message => false } }
}
notify { 'n10': message => [].reduce({}) |$m, $v| { $m + { "${v}" => $v } } }
notify { 'n11': message => size(['x y']) }
