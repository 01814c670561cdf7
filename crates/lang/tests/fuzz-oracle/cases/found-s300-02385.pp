$v0 = [10, 1, 7][1]
notify { 'n1': message => {'a' => 'A'} }
notify { 'n2': message => true }
case length('0x1F') {
  'Hello': { notify { 'n3': message => ($v0 << 0) } }
  default: { notify { 'n4': message => 7 } }
}
case 3.step(1).map |$x| { $x } {
  '10': { notify { 'n5': message => [1, -5].map |$x| { "${x}" }[0] } }
  default: { notify { 'n6': message => Hash[Struct[{ 'a' => Integer }]] } }
}
class c0(Optional[Integer] $p = 7) {
  notify { 'n7': message => $p }
  notify { 'n8': message => "${p}-${title}-${name}" }
}
class { 'c0': }
if (1 == $v0) {
  notify { 'n9': message => ($v0 * 0) }
} else {
  notify { 'n10': message => [$v0, $v0, 10][5] }
}
