notify { 'n1': message => values({}).filter |$x| { $x =~ String } }
$v0 = values({}).map |$x| { "${x}" }[0]
[10, -5].each |$v| {
  notify { "n2-${v}": message => { '10' => String([$v, '3.5', 'ab,cd']), 'z' => Integer({'a' => 7, 'd' => 0}) } }
}
$v1 = ({} + {'a' => 2}).filter |$k, $v| { $k != 'b' }
['a', 'b'].each |$i, $v| {
  notify { "n3-${i}": message => true }
}
