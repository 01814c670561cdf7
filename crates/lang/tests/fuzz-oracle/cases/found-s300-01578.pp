if ('42' < 'A') {
  notify { 'n1': message => {} }
} else {
  notify { 'n2': message => 3 }
}
case 'a'[{'c' => 1}] {
  Array[String, 1]: { notify { 'n3': message => --1 } }
  default: { notify { 'n4': message => [] } }
}
notify { 'n5': }
notify { 'n6': }
Notify['n5'] ~> Notify['n6']
if Boolean('true') {
  notify { 'n7': message => (['ab,cd'] =~ Variant[Integer, String]) }
} else {
  notify { 'n8': message => (0 == -5) }
}
$v0 = (capitalize('abc') in {'d' => '10'}.map |$k, $v| { $k })
