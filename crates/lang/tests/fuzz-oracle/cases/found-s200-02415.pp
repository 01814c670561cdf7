define d0(Scalar $x = 10) {
  notify { "${title}-n1": message => $x }
}
d0 { ['n2', 'n3']: x => (42 << 0) }
notify { 'n4': message => { '42' => (Optional[String] < undef), 'z' => false } }
$v0 = ('x y' =~ /x y/) ? { true => 'a', default => 'b' }
notify { 'n5': message => ($v0 in $v0) }
notify { 'n6': message => (2 % 1) }
