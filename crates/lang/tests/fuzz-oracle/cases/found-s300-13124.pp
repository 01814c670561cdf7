if ({'a' => 10, 'c' => 'a'} == false) {
  notify { 'n1': message => 'b'.map |$x| { $x } }
} else {
  notify { 'n2': message => Hash(['a', 1, 'b', 2]) }
}
if ('ab,cd' =~ /^$/) {
  notify { 'n3': message => (-5 % 7) }
} else {
  notify { 'n4': message => ({} - {'d' => -1, 'a' => 'A'}) }
}
$v0 = { 'b' => { 'a' => Tuple[Integer, String][[]], 'z' => 10 }, 'z' => '0x1F' }
$v1 = regsubst(split('42', 'b')[0], 'a', '\0', 'G')
