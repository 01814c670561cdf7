Notify { withpath => notice }
notify { 'n1': message => [1, -5, -1][0] }
$v0 = false
case -2 {
  Iterable: { notify { 'n2': message => (2 - -5) } }
  default: { notify { 'n3': message => 'a' } }
}
