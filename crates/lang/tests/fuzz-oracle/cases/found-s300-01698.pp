case Hash([['a', 1]]) {
  /^a/: { notify { 'n1': message => assert_type(String[1], Boolean) } }
  default: { notify { 'n2': message => 10 } }
}
$v0 = ['', 0].any |$x| { $x == 1 }
case true {
  Tuple[Integer, String], /^a/: { notify { 'n3': message => (false =~ Array[Variant[Integer, String]]) } }
  default: { notify { 'n4': message => ['A', 'a'][2.5] } }
}
notify { 'n5': }
notify { 'n6': }
Notify['n5'] ~> Notify['n7']
['a', 'b'].each |$i, $v| {
  notify { "n8-${i}": message => String(type($v, generalized)) }
}
3.each |$i, $v| {
  notify { "n9-${i}": message => ('é' < '10') }
}
