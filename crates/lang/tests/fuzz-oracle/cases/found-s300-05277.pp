$v0 = regsubst([3, 'true'].map |$x| { "${x}" }[0], '[0-9]', 'X', 'G')
notify { 'n1': message => abs(0) }
notify { 'n2': message => abs(-1) }
[1, 2, 3].each |$v| {
  notify { "n3-${v}": message => [][2.5] }
}
case (false == [0]) {
  $v0, 2: { notify { 'n4': message => [$v0] } }
  default: { notify { 'n5': message => [] } }
}
