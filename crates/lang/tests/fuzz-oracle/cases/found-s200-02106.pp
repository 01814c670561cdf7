notify { 'n1': message => String[1][/a/] }
$v0 = ([].map |$x| { "${x}" }[0] == {}.filter |$k, $v| { $k != 'b' })
$v1 = ['A']
define d1(Optional[String] $x = 'b') {
  notify { "${title}-n2": message => $x }
}
d1 { ['n3']:  }
notify { 'n4': message => 100 }
notify { 'n5': message => (-5 == 'é') }
unless Boolean('true') {
  notify { 'n6': message => $v1.filter |$x| { $x =~ Integer[1] } }
} else {
  notify { 'n7': message => "${''}-${(false)}" }
}
