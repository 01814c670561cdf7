$v0 = false
$v1 = keys({'b' => -5, 'a' => 'ab,cd', 'd' => 42}).any |$x| { $x == 3 }
$v2 = -5
case $v2.map |$x| { $x } {
  'x y', '0x1F': { notify { 'n1': message => [-5, -1].filter |$x| { $x =~ String } } }
  default: { notify { 'n2': message => ['a', $v2].map |$x| { $x } } }
}
$v3 = ({'a' => $v2, 'b' => -5} + {'d' => 'abc', 'b' => '3.5'})
Notify { withpath => notice }
notify { 'n3': message => ['0x1F', $v2, 0].slice(2).map |$p| { size($p) } }
