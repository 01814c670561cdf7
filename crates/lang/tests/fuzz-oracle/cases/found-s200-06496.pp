$v0 = ('42'[Array[String, 1]] == ['a'].any |$x| { $x == 100 })
[1, 2, 3].each |$v| {
  notify { "n1-${v}": message => {'a' => '3.5'} }
}
