$v0 = false
$v1 = sprintf('%05d', 42)
case upcase({}) {
  'a', 'ab,cd': { notify { 'n1': message => flatten([$v1]) } }
  default: { notify { 'n2': message => -$v1 } }
}
