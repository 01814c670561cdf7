$v0 = {}
notify { 'n1': message => {'a' => '0x1F', 'b' => 'b'}.filter |$k, $v| { $k != 'b' } }
notify { 'n2': message => {'a' => 2}.filter |$k, $v| { $k == 'b' } }
define d2(Collection $x = []) {
  notify { "${title}-n3": message => $x }
}
d2 { ['n4']: x => flatten(['', '10', 'é']) }
$v1 = {'d' => 'x y'}
notify { 'n5': message => (true ? { true => -1, default => 10 } / 7) }
case size([100, '0x1F', 'abc']) {
  /^a/: { notify { 'n6': message => [].filter |$x| { $x =~ Integer } } }
  default: { notify { 'n7': message => ['3.5', 42, 0] } }
}
