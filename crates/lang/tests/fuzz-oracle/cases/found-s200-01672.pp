$v0 = 1
notify { 'n1': message => keys(({'b' => 3, 'a' => '42'} - [])) }
case (Struct[{ 'a' => Integer }] << Array[Integer]) {
  /^a/, '': { notify { 'n2': message => {'a' => $v0, 'c' => 10, 'd' => 3}.map |$k, $v| { $k } } }
  default: { notify { 'n3': message => '10'.filter |$x| { $x } } }
}
if ['a'].all |$x| { $x =~ Integer } {
  notify { 'n4': message => ['Hello', 2, 'A'] }
} else {
  notify { 'n5': message => String(type('a')) }
}
$v1 = Boolean(1)
$v2 = (if false { $v0 } else { $v0 } in keys({'a' => 'é', 'd' => '42'}))
