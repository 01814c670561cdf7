notify { 'n1': message => 'a' }
notify { 'n2': message => false }
$v0 = [Integer[2, 2].map |$i| { $i * 2 }, -5].flatten
Integer[1, 2].each |$v| {
  notify { "n3-${v}": message => ({'b' => 'A'} - Struct[{ 'a' => Integer }]) }
}
Notify { tag => notice }
notify { 'n4': message => ['Hello', 7].map |$x| { 10 } }
define d4(Scalar $x = 10) {
  notify { "${title}-n5": message => $x }
}
d4 { ['n6', 'n7']:  }
