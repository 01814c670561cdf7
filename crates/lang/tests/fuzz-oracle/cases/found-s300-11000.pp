3.each |$i, $v| {
  notify { "n1-${i}": message => 'A' }
}
$v0 = empty({}.map |$k, $v| { $k })
3.each |$v| {
  notify { "n2-${v}": message => type({'c' => 'x y', 'b' => 'ab,cd'}) }
}
