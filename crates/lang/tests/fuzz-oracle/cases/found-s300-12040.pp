notify { 'n1': }
notify { 'n2': }
Notify['n1'] ~> Notify['n2']
if ('3.5' =~ /x y/) {
  notify { 'n3': message => /a/[['b', 2, 3]] }
} else {
  notify { 'n4': message => Hash([['a', 1]]) }
}
case strip('b') {
  2, 'a': { notify { 'n5': message => 2.5.map |$x| { $x } } }
  default: { notify { 'n6': message => [7, ''] } }
}
notify { 'n7': message => ('42' =~ /[0-9]+/) }
notify { 'n8': message => 42 }
notify { 'n9': }
notify { 'n10': }
Notify['n9'] -> Notify['n10']
unless Boolean('false') {
  notify { 'n11': message => ({'a' => 3, 'b' => 'a', 'c' => 'a'} - -5) }
} else {
  notify { 'n12': message => ['b', '42', ''] }
}
