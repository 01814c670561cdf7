Notify { withpath => x }
notify { 'n1': message => [].map |$x| { "${x}" }[0] }
case Integer({'a' => 'é'}) {
  '10': { notify { 'n2': message => [0, 3, 42][5] } }
  default: { notify { 'n3': message => assert_type(Undef, Regexp) } }
}
$v0 = max(if false { 2 } else { 10 }, 7)
class c0(Variant[Integer, String] $p = 7) {
  notify { 'n4': message => $p }
  notify { 'n5': message => "${p}-${title}-${name}" }
}
include c0
if [].all |$x| { $x =~ Integer } {
  notify { 'n6': message => {'b' => 0, 'c' => 'A', 'a' => '10'}.map |$k, $v| { $k } }
} else {
  notify { 'n7': message => ('ab,cd' == 'abc') }
}
