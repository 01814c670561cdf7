$v0 = 'Hello'
Notify { tag => x }
notify { 'n1': message => keys({}) }
notify { 'n2': message => { '' => if false { 42 } else { -5 }, 'z' => Collection[$v0] } }
$v1 = sprintf('%-3s|', 3)
Integer[1, 2].each |$v| {
  notify { "n3-${v}": message => [$v, 3, $v][0] }
}
class c0(Enum['a', 'b', 'abc'] $p) {
  notify { 'n4': message => $p }
  notify { 'n5': message => "${p}-${title}-${name}" }
}
include c0
