Integer[1, 2].each |$i, $v| {
  notify { "n1-${i}": message => 'A' }
}
notify { 'n2': message => Collection[{'b' => 'ab,cd', 'a' => 10}] }
notify { 'n3': message => (String(false) =~ /a/) }
define d3(Variant[Integer, String] $x = 7) {
  notify { "${title}-n4": message => $x }
}
d3 { ['n5']: x => 10 }
if empty({}) {
  notify { 'n6': message => false }
} else {
  notify { 'n7': message => -100 }
}
