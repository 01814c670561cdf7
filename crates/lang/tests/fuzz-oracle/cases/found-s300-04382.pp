define d0(Scalar $x) {
  notify { "${title}-n1": message => $x }
}
d0 { ['n2', 'n3']: x => (100 % 2) }
notify { 'n4': message => Integer({'d' => 1, 'a' => '42'}) }
notify { 'n5': message => (undef[false] =~ Integer[5]) }
notify { 'n6': message => (!true =~ Optional[Integer]) }
$v0 = abs(-1)
notify { 'n7': message => { '10' => [$v0, '10', 7].reduce({}) |$m, $v| { $m + { "${v}" => $v } }, 'z' => $v0 } }
