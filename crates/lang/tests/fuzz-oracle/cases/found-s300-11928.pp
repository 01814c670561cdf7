$v0 = Hash([])
Integer[1, 2].each |$i, $v| {
  notify { "n1-${i}": message => assert_type(Float[0.0, 1.0], 2.5) }
}
$v1 = (true ? { true => 1, default => 100 } << 1)
