notify { 'n1': message => ['é'][2.5] }
case Integer(true) {
  Hash[String, Integer], /^a/: { notify { 'n2': message => false } }
  default: { notify { 'n3': message => false } }
}
notify { 'n4': message => (({'b' => 42, 'a' => 3} + {'d' => 'ab,cd', 'a' => 'x y', 'b' => '10'}) - ({'d' => 42} - {})) }
unless (-1 in [100]) {
  notify { 'n5': message => empty('ab,cd') }
} else {
  notify { 'n6': message => [] }
}
$v0 = 'A'
if (0 in [10, $v0]) {
  notify { 'n7': message => [].slice(2).map |$p| { size($p) } }
} else {
  notify { 'n8': message => if true { 3 } else { 100 } }
}
