notify { 'n1': message => {} }
$v0 = max([2, 7, 10][5], -1)
notify { 'n2': message => ([$v0] + [1, $v0, -1]) }
notify { 'n3': message => (false =~ Float[0.0, 1.0]) }
['a', 'b'].each |$i, $v| {
  notify { "n4-${i}": message => ['ab,cd'][0, 2] }
}
