$v0 = (['3.5'][1, -1] == ({'a' => -5, 'b' => 'ab,cd'} == true))
notify { 'n1': message => 'ab,cd' }
([-5, 'A', 100] - [10]).each |$v| {
  notify { "n2-${v}": message => min($v, 100) }
}
$v1 = ({ 'Hello' => true, 'z' => '' } - ({'c' => '10', 'd' => '42'} + {'b' => 2, 'c' => 'x y', 'd' => 'Hello'}))
define d2(Collection $x = ['é', 'é', 0]) {
  notify { "${title}-n3": message => $x }
}
d2 { ['n4']:  }
notify { 'n5': message => 42 }
