if false {
  notify { 'n1': message => ['3.5'] }
} else {
  notify { 'n2': message => false }
}
$v0 = "v=${[2, 2, 2][5]}"
['a', 'b'].each |$v| {
  notify { "n3-${v}": message => "v=${42}" }
}
notify { 'n4': message => max([1, 3, 1][5], if true { 2 } else { 7 }) }
$v1 = if empty('true') { 42 } else { -5 }
[1, 2, 3].each |$v| {
  notify { "n5-${v}": message => length($v0) }
}
