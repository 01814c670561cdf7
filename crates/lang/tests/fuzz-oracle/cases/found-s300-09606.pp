if (1 != 1) {
  notify { 'n1': message => { 'true' => '', 'z' => 100 } }
} else {
  notify { 'n2': message => (['a', '0x1F'] << 10) }
}
$v0 = [100, 'é'].reverse_each.map |$x| { $x }
notify { 'n3': message => ([] == ({'d' => 'x y', 'c' => 42} - {'a' => ''})) }
case max(42, 1) {
  '3.5': { notify { 'n4': message => {} } }
  default: { notify { 'n5': message => String[1][true] } }
}
