$v0 = String((3 << 1))
case max(10, 42) {
  3, Optional[String]: { notify { 'n1': message => {'b' => 2, 'a' => 0, 'c' => 'ab,cd'}.filter |$k, $v| { $k == 'b' } } }
  default: { notify { 'n2': message => $v0 } }
}
$v1 = {'d' => 2, 'a' => $v0, 'b' => '10'}
$v2 = downcase($v0)
case (assert_type(Undef, Any) =~ Iterable) {
  /^a/, 0: { notify { 'n3': message => length('3.5') } }
  default: { notify { 'n4': message => 1 } }
}
notify { 'n5': message => [].slice(2).map |$p| { size($p) } }
notify { 'n6': message => ('ab,cd' > 'true') }
