case (['x y'] =~ Float) {
  Variant[Integer, String]: { notify { 'n1': message => {} } }
  default: { notify { 'n2': message => {'c' => 'true', 'a' => 'é'} } }
}
case true ? { true => 'b', default => 'a' } {
  /^a/: { notify { 'n3': message => ({'a' => 0} - {'c' => 10, 'a' => 'x y'}) } }
  default: { notify { 'n4': message => '' } }
}
$v0 = true
notify { 'n5': }
notify { 'n6': }
Notify['n5'] <~ Notify['n6']
notify { 'n7': message => Integer(['', '42']) }
case Integer[1, 3].map |$i| { $i * 2 } {
  Enum['a', 'b'], 1: { notify { 'n8': message => ['0x1F'].all |$x| { $x =~ Integer } } }
  default: { notify { 'n9': message => 'x y' } }
}
