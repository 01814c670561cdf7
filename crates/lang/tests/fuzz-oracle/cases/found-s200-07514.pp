values({'d' => '3.5', 'b' => 'ab,cd'}).each |$i, $v| {
  notify { "n1-${i}": message => 1 }
}
define d1(Data $x = false) {
  notify { "${title}-n2": message => $x }
}
d1 { ['n3', 'n4']:  }
notify { 'n5': message => !true }
notify { 'n6': message => Hash(['a', 1, 'b', 2]) }
Notify { loglevel => x }
notify { 'n7': message => String(type([], generalized)) }
$v0 = split('10', 'b').map |$x| { -1 }
notify { 'n8': message => '' }
