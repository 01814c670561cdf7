3.each |$v| {
  notify { "n1-${v}": message => (10 + 2) }
}
if (-5 =~ Variant[Integer, String]) {
  notify { 'n2': message => "${'é'}-${(true)}" }
} else {
  notify { 'n3': message => [10] }
}
notify { 'n4': message => ((-1 in [3]) =~ Iterable) }
$v0 = ({'d' => 'true', 'b' => 100}.map |$k, $v| { $k } + values({'a' => ''}))
define d4( $x = '0x1F') {
  notify { "${title}-n5": message => $x }
}
d4 { ['n6', 'n7']:  }
