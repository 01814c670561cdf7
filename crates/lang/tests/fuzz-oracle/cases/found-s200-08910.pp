Notify { withpath => x }
notify { 'n1': message => length('é') }
$v0 = ([['x y', 'A'], 3].flatten + [[100], 0].flatten)
if $v0.all |$x| { $x =~ Integer } {
  notify { 'n2': message => empty([10, '42']) }
} else {
  notify { 'n3': message => Boolean({}) }
}
case $v0.filter |$x| { $x =~ Integer[1] } {
  String: { notify { 'n4': message => ({'d' => 42} - {'a' => '42', 'c' => '', 'b' => 7}) } }
  default: { notify { 'n5': message => $v0 } }
}
notify { 'n6': }
notify { 'n7': }
Notify['n6'] <- Notify['n7']
unless (0 < 100) {
  notify { 'n8': message => split('Hello', '') }
} else {
  notify { 'n9': message => 'A'[0, 2] }
}
