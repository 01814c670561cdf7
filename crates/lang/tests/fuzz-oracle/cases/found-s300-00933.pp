$v0 = ({ '0x1F' => {'c' => -1}, 'z' => 'A' } =~ Any)
define d0(Scalar $x) {
  notify { "${title}-n1": message => $x }
}
d0 { ['n2', 'n3']: x => empty([2]) }
notify { 'n4': message => [].any |$x| { $x == 42 } }
notify { 'n5': message => String(type(['Hello', 3], generalized)) }
unless ('A' == 'A') {
  notify { 'n6': message => size(['é', '']) }
} else {
  notify { 'n7': message => ['ab,cd', 2] }
}
