notify { 'n1': message => {'d' => -1, 'a' => 10} }
notify { 'n2': message => if false { -1 } else { 10 } }
$v0 = (String(type({'c' => 2, 'a' => 'ab,cd'}, generalized)) > 'abc')
case ['x y', 42][2.5] {
  'ab,cd', /^a/: { notify { 'n3': message => Hash(['a', 1, 'b', 2]) } }
  default: { notify { 'n4': message => true } }
}
$v1 = 'b'
