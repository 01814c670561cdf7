if ('b' =~ /[0-9]+/) {
  notify { 'n1': message => {'a' => '0x1F', 'c' => 'true'} }
} else {
  notify { 'n2': message => Boolean([100, '']) }
}
notify { 'n3': }
notify { 'n4': }
Notify['n3'] -> Notify['n4']
if true {
  notify { 'n5': message => sort(['', 2]) }
} else {
  notify { 'n6': message => ['x y'].any |$x| { $x == 42 } }
}
define d6(Integer[5] $x = true) {
  notify { "${title}-n7": message => $x }
}
d6 { ['n8']: x => ('abc' == '') }
$v0 = if true { 10 } else { -1 }
