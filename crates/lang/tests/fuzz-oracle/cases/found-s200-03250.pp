case ['42', '42'] {
  Array[String, 1], -5: { notify { 'n1': message => (7 <= 10) } }
  default: { notify { 'n2': message => -/a/ } }
}
notify { 'n3': message => String([[-1, 'Hello'], 42].flatten) }
$v0 = {}.map |$k, $v| { $k }.map |$x| { "${x}" }[0]
$v1 = [7]
notify { 'n4': }
notify { 'n5': }
Notify['n4'] <~ Notify['n5']
case [7, 1, 42][5] {
  /^a/: { notify { 'n6': message => { 'abc' => {'c' => 3}, 'z' => -1 } } }
  default: { notify { 'n7': message => Hash[String, Array[Integer]][-5] } }
}
