$v0 = [].map |$x| { $x }.slice(2).map |$p| { size($p) }
$v1 = $v0.map |$x| { "${x}" }[0][0]
$v2 = regsubst(false ? { true => '42', default => $v1 }, 'b+', '\0', 'G')
[$v2][5, 1].each |$v| {
  notify { "n1-${v}": message => $v0.reduce(0) |$m, $v| { $m + 1 } }
}
notify { 'n2': message => Boolean('false') }
notify { 'n3': message => assert_type(Undef, default) }
