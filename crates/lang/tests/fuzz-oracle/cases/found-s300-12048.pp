Hash({'a' => 1, 'b' => 2}).each |$v| {
  notify { "n1-${v}": message => Any.filter |$x| { $x } }
}
notify { 'n2': }
notify { 'n3': }
Notify['n2'] ~> Notify['n3']
define d3(String[1] $x = {'d' => 'b', 'b' => 'x y'}) {
  notify { "${title}-n4": message => $x }
}
d3 { ['n5']: x => ({'d' => 'x y', 'b' => '0x1F'} - {'d' => 'A'}) }
unless (true and false) {
  notify { 'n6': message => (Regexp / 'x y') }
} else {
  notify { 'n7': message => ('3.5' in ['3.5', 100]) }
}
case ('0x1F' =~ /^b/) {
  'é', 'true': { notify { 'n8': message => [] } }
  default: { notify { 'n9': message => ['abc'] } }
}
