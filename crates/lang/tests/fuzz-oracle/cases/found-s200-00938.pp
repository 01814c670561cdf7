$v0 = String(type(({} + {'d' => 100, 'a' => '3.5'}), generalized))
notify { 'n1': }
notify { 'n2': }
Notify['n1'] <~ Notify['n2']
define d2( $x) {
  notify { "${title}-n3": message => $x }
}
d2 { ['n4']: x => $v0[-1] }
3.each |$i, $v| {
  notify { "n5-${i}": message => {} }
}
notify { 'n6': message => 'Hello' }
Notify { withpath => notice }
notify { 'n7': message => true }
