class c0(Boolean $p = true) {
  notify { 'n1': message => $p }
  notify { 'n2': message => "${p}-${title}-${name}" }
}
include c0
[1, 2, 3].each |$i, $v| {
  notify { "n3-${i}": message => abs('3.5') }
}
notify { 'n4': message => {'c' => '', 'd' => -5}.map |$k, $v| { $k }.filter |$x| { $x =~ Integer[1] } }
notify { 'n5': message => assert_type(Numeric, Any) }
notify { 'n6': message => {'a' => 3, 'c' => 'x y'}.filter |$k, $v| { $k != 'b' } }
class c1(Pattern[/^a/] $p = 'abc') {
  notify { 'n7': message => $p }
  notify { 'n8': message => "${p}-${title}-${name}" }
}
include c1
