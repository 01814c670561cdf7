notify { 'n1': }
notify { 'n2': }
Notify['n1'] <- Notify['n2']
Notify { loglevel => true }
notify { 'n3': message => String(type({}, generalized)) }
notify { 'n4': message => ['Hello', 'ab,cd'].map |$x| { "${x}" }[0] }
if empty({'d' => 'b', 'a' => 0}) {
  notify { 'n5': message => values({}) }
} else {
  notify { 'n6': message => (['b'] == '') }
}
$v0 = 1
define d6( $x = {'b' => '0x1F'}) {
  notify { "${title}-n7": message => $x }
}
d6 { ['n8']: x => ({'c' => 'b', 'd' => $v0, 'a' => '3.5'} + {'d' => 'x y'}) }
