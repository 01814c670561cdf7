notify { 'n1': message => (['42'] << true) }
notify { 'n2': message => {'c' => 3, 'b' => 0, 'a' => 2}.filter |$k, $v| { $k != 'a' } }
if !false {
  notify { 'n3': message => ([3] << Any.each |$x| { $x }) }
} else {
  notify { 'n4': message => (2 >> 1) }
}
$v0 = [7, 100, 'x y'].map |$x| { 1 }.reduce(0) |$m, $v| { $m + $m }
$v1 = ('Hello'[-1] =~ /^b/)
keys({'d' => 42}).each |$v| {
  notify { "n5-${v}": message => '3.5' }
}
unless false {
  notify { 'n6': message => 3 }
} else {
  notify { 'n7': message => (2.5 << true) }
}
