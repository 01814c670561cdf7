class c0(Variant[Integer, String] $p = -5) {
  notify { 'n1': message => $p }
  notify { 'n2': message => "${p}-${title}-${name}" }
}
include c0
notify { 'n3': message => [].map |$x| { "${x}" }[0] }
notify { 'n4': message => [1, 'A'].reduce({}) |$m, $v| { $m + { "${v}" => $v } } }
define d4(Undef $x) {
  notify { "${title}-n5": message => $x }
}
d4 { ['n6']: x => Array({'b' => '10', 'c' => -5}) }
unless ('é' in []) {
  notify { 'n7': message => [].any |$x| { $x == 42 } }
} else {
  notify { 'n8': message => {'a' => 0, 'c' => 1}.filter |$k, $v| { $k != 'c' } }
}
notify { 'n9': message => ['Hello', '0x1F', 'x y'] }
notify { 'n10': message => (String[1][true] =~ Hash) }
