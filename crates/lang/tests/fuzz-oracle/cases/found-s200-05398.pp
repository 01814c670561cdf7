define d0(Data $x = true) {
  notify { "${title}-n1": message => $x }
}
d0 { ['n2', 'n3']:  }
notify { 'n4': message => Struct[{ 'a' => Integer }][{'a' => '', 'b' => '0x1F'}] }
Integer[2, 3].map |$i| { $i * 2 }.each |$v| {
  notify { "n5-${v}": message => {'d' => $v, 'c' => $v, 'a' => '0x1F'} }
}
class c0( $p = {'a' => '3.5', 'c' => 'x y'}) {
  notify { 'n6': message => $p }
  notify { 'n7': message => "${p}-${title}-${name}" }
}
class { 'c0': }
$v0 = {'a' => 'x y', 'b' => 2, 'd' => 2}
$v1 = {'b' => 42, 'c' => 'abc'}
