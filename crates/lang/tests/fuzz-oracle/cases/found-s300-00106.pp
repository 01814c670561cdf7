unless true {
  notify { 'n1': message => !false }
} else {
  notify { 'n2': message => false }
}
Notify { loglevel => true }
notify { 'n3': message => Array(['10', 'abc']) }
Integer[1, 2].each |$v| {
  notify { "n4-${v}": message => "a-${$v}" }
}
define d4(String $x = 'ab,cd') {
  notify { "${title}-n5": message => $x }
}
d4 { ['n6']:  }
notify { 'n7': message => String[default] }
notify { 'n8': message => if false { 42 } else { -1 } }
