case (-1 == -1) {
  Array[Integer]: { notify { 'n1': message => ['x y', 10] } }
  default: { notify { 'n2': message => {} } }
}
$v0 = ([2, 7, 10][5] != Integer(true))
unless (-5 == [7, 42, 42]) {
  notify { 'n3': message => (Float[0.0, 1.0] < '0x1F') }
} else {
  notify { 'n4': message => ['é'] }
}
$v1 = ('ab,cd' == 42) ? { true => 'x y', default => 'abc' }
unless true {
  notify { 'n5': message => 'é' }
} else {
  notify { 'n6': message => {'d' => 10} }
}
