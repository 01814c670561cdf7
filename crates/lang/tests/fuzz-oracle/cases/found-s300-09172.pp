case (-Struct[{ 'a' => Integer }] == ''['0x1F']) {
  Float: { notify { 'n1': message => [].reduce(0) |$m, $v| { $m + 2 } } }
  default: { notify { 'n2': message => true } }
}
class c0(Struct[{ 'a' => Integer }] $p) {
  notify { 'n3': message => $p }
  notify { 'n4': message => "${p}-${title}-${name}" }
}
contain c0
Notify { withpath => true }
notify { 'n5': message => 'x y'[1, -1] }
$v0 = true ? { true => 'abc', default => '0x1F' }
notify { 'n6': message => (2 in ['ab,cd']) }
notify { 'n7': message => ({'a' => 3, 'd' => 7} - {'b' => $v0, 'd' => '0x1F'}) }
