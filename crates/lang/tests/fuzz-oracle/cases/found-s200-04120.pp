notify { 'n1': }
notify { 'n2': }
Notify['n1'] ~> Notify['n2']
$v0 = min(3, [3, 10, 0][5])
define d2(Undef $x = 'A') {
  notify { "${title}-n3": message => $x }
}
d2 { ['n4']: x => sprintf('%d', $v0) }
notify { 'n5': message => ({'a' => '', 'd' => 'b'} - {'d' => '3.5'}) }
notify { 'n6': message => Hash([]) }
