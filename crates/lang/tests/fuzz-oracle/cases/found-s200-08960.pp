notify { 'n1': message => ([-1, '42', 7] - ['0x1F', 0, '0x1F'].slice(2).map |$p| { size($p) }) }
case (7 > 1) {
  /^a/: { notify { 'n2': message => default.map |$x| { $x } } }
  default: { notify { 'n3': message => 'x y' } }
}
$v0 = String({}.filter |$k, $v| { $k == 'b' })
$v1 = {'a' => 100, 'c' => -5}.map |$k, $v| { $k }.slice(2).map |$p| { size($p) }
Hash({'a' => 1, 'b' => 2}).each |$v| {
  notify { "n4-${v}": message => ({'b' => 'true'} - false) }
}
$v2 = ('ab,cd' in {'c' => $v0, 'a' => 100}) ? { true => 100, default => -5 }
