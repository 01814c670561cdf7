$v0 = 'x y'
[1, 2, 3].each |$v| {
  notify { "n1-${v}": message => [] }
}
Integer[1, 2].each |$i, $v| {
  notify { "n2-${i}": message => ({'d' => $v} - /a/) }
}
$v1 = (Hash([['a', 1]]) == false)
case default[['abc']] {
  $v0, 0: { notify { 'n3': message => [1, 'é', '10'] } }
  default: { notify { 'n4': message => false } }
}
