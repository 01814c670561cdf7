case size(['3.5', '0x1F']) {
  NotUndef, Array: { notify { 'n1': message => ({} - 'a') } }
  default: { notify { 'n2': message => 7.each |$x| { $x } } }
}
[1, 2, 3].each |$v| {
  notify { "n3-${v}": message => ($v >> 0) }
}
notify { 'n4': message => Integer(2.5) }
notify { 'n5': message => (-1 >> 0) }
$v0 = "${chomp('abc')}-${(empty('42'))}"
notify { 'n6': message => {'d' => '0x1F', 'c' => 0} }
define d6(Array $x = ['true']) {
  notify { "${title}-n7": message => $x }
}
d6 { ['n8']:  }
