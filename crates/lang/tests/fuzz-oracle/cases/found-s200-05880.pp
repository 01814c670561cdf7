notify { 'n1': }
notify { 'n2': }
Notify['n1'] <- Notify['n2']
Hash({'a' => 1, 'b' => 2}).each |$i, $v| {
  notify { "n3-${i}": message => (2 == $v) }
}
$v0 = -length('true')
$v1 = ([].filter |$x| { $x =~ String } << Boolean({'d' => $v0, 'c' => 10}))
case {} {
  /^a/: { notify { 'n4': message => $v1 } }
  default: { notify { 'n5': message => true } }
}
