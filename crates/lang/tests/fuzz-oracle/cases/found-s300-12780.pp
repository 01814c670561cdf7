define d0(Pattern[/^a/] $x) {
  notify { "${title}-n1": message => $x }
}
d0 { ['n2', 'n3']: x => String(type({'b' => 'true', 'c' => -1}, generalized)) }
case 3.step(1).map |$x| { $x } {
  /^a/, /^a/: { notify { 'n4': message => ('3.5' =~ /^b/) } }
  default: { notify { 'n5': message => -5 } }
}
notify { 'n6': message => {}.filter |$k, $v| { $k < 'a' } }
notify { 'n7': message => (-5 =~ Tuple[Integer, String]) }
notify { 'n8': message => -Integer(3.7) }
define d8(Scalar $x = '10') {
  notify { "${title}-n9": message => $x }
}
d8 { ['n10', 'n11']: x => "${'ab,cd'}-${(true)}" }
