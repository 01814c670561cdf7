Notify { withpath => notice }
notify { 'n1': message => !false }
notify { 'n2': }
notify { 'n3': }
Notify['n2'] <~ Notify['n3']
define d3(Array $x) {
  notify { "${title}-n4": message => $x }
}
d3 { ['n5']: x => ['A', 'é'] }
case Integer(Enum['a', 'b']) {
  'a': { notify { 'n6': message => sprintf('%s', -5) } }
  default: { notify { 'n7': message => false } }
}
notify { 'n8': message => {'c' => 100} }
notify { 'n9': message => NotUndef.map |$x| { $x } }
