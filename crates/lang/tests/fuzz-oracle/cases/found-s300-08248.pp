notify { 'n1': }
notify { 'n2': }
Notify['n1'] <- Notify['n2']
$v0 = [100, 100].reduce({}) |$m, $v| { $m + { "${v}" => $v } }.filter |$k, $v| { $k == 'c' }
notify { 'n3': message => String(type({'c' => 3}, generalized)) }
notify { 'n4': message => String(type([])) }
define d4(Data $x = 10) {
  notify { "${title}-n5": message => $x }
}
d4 { ['n6']: x => abs(-5) }
notify { 'n7': message => $v0 }
Integer[1, 2].each |$i, $v| {
  notify { "n8-${i}": message => ([] - []) }
}
