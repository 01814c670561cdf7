case 7 {
  /^a/: { notify { 'n1': message => '0x1F' } }
  default: { notify { 'n2': message => 7 } }
}
define d2( $x = 'Hello') {
  notify { "${title}-n3": message => $x }
}
d2 { ['n4']: x => capitalize('b') }
notify { 'n5': message => (Array[Variant[Integer, String]] < default) }
notify { 'n6': }
notify { 'n7': }
Notify['n6'] ~> Notify['n7']
3.each |$i, $v| {
  notify { "n8-${i}": message => ({} - [$v]) }
}
