$v0 = "${"x${10}"}-${(('é' == 'a'))}"
if ([7] =~ NotUndef) {
  notify { 'n1': message => 'true'[0] }
} else {
  notify { 'n2': message => ($v0 / default) }
}
define d2(Data $x = -1) {
  notify { "${title}-n3": message => $x }
}
d2 { ['n4', 'n5']: x => max(2, 2) }
define d5(Pattern[/^a/] $x = '0x1F') {
  notify { "${title}-n6": message => $x }
}
d5 { ['n7', 'n8']: x => String(type({'d' => 7})) }
