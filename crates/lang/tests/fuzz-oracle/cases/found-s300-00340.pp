Notify { withpath => x }
notify { 'n1': message => false }
notify { 'n2': }
notify { 'n3': }
Notify['n2'] -> Notify['n3']
$v0 = { 'a' => [[], 1].flatten, 'z' => String[1][{'d' => 2, 'c' => 'b'}] }
class c0(String[1] $p = 'x y') {
  notify { 'n4': message => $p }
  notify { 'n5': message => "${p}-${title}-${name}" }
}
class { 'c0': }
[2, '0x1F', 10].each |$i, $v| {
  notify { "n6-${i}": message => $v0 }
}
$v1 = { 'ab,cd' => empty({'d' => '', 'a' => 42, 'b' => 10}), 'z' => -/a/ }
