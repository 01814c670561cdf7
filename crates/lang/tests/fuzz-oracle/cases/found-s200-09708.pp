define d0(String[1] $x = '') {
  notify { "${title}-n1": message => $x }
}
d0 { ['n2', 'n3']:  }
if false {
  notify { 'n4': message => max(100, 100) }
} else {
  notify { 'n5': message => ({'a' => 'ab,cd'} - ['42', 'ab,cd', 1]) }
}
$v0 = {}
case [].any |$x| { $x == 3 } {
  Hash[String, Array[Integer]], /^a/: { notify { 'n6': message => Boolean('yes') } }
  default: { notify { 'n7': message => [3, 'Hello'] } }
}
if ('0x1F' > 'A') {
  notify { 'n8': message => ($v0 + $v0) }
} else {
  notify { 'n9': message => Boolean({'a' => 3, 'b' => '3.5'}) }
}
