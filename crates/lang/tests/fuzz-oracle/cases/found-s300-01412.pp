Notify { tag => x }
notify { 'n1': message => String(type('Hello', generalized)) }
$v0 = (String({'a' => '', 'b' => 0}) in sort(['true', 3, '0x1F']))
class c0(String[0, 2] $p = {'b' => -1, 'd' => 3}) {
  notify { 'n2': message => $p }
  notify { 'n3': message => "${p}-${title}-${name}" }
}
class { 'c0': p => ({'d' => '42', 'a' => '0x1F', 'c' => 'ab,cd'} + {}) }
$v1 = keys({}).any |$x| { $x == 10 }
notify { 'n4': message => (if true { 2 } else { 2 } / 1) }
Hash({'a' => 1, 'b' => 2}).each |$v| {
  notify { "n5-${v}": message => Boolean(0) }
}
