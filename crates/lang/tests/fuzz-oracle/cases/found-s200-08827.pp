notify { 'n1': message => assert_type(Iterable, -5) }
notify { 'n2': message => 'ab,cd' }
notify { 'n3': message => 'x y'[0, 2] }
notify { 'n4': message => Integer[1, 4].map |$i| { $i * 2 } }
$v0 = !(10 in [])
case /a/.filter |$x| { $x } {
  'Hello', Numeric: { notify { 'n5': message => sprintf('%o', 10) } }
  default: { notify { 'n6': message => 'ab,cd' } }
}
