notify { 'n1': message => ([2, -5, -1] + ['x y']).reduce({}) |$m, $v| { $m + { "${v}" => $v } } }
define d1(Boolean $x = true) {
  notify { "${title}-n2": message => $x }
}
d1 { ['n3', 'n4']:  }
$v0 = length(String(type({'b' => 10, 'a' => 'ab,cd', 'c' => 0}, generalized)))
$v1 = ['0x1F', $v0][0, 2]
$v2 = true
Notify { withpath => x }
notify { 'n5': message => ({'a' => $v0, 'd' => '10'} - $v1) }
