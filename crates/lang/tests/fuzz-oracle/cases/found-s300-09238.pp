case Enum['a', 'b'][/a/] {
  /^a/, /^a/: { notify { 'n1': message => [].reduce({}) |$m, $v| { $m + { "${v}" => $v } } } }
  default: { notify { 'n2': message => 1 } }
}
$v0 = split(String(type(false, generalized)), '[a-c]')
$v1 = (false ? { true => 'a', default => 'abc' } == false ? { true => 'A', default => 'x y' })
Integer[1, 2].each |$v| {
  notify { "n3-${v}": message => { '' => 0, 'z' => Integer[5].map |$x| { $x } } }
}
$v2 = Integer[2, 4].map |$i| { $i * 2 }
