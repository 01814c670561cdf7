$v0 = {'c' => 42}
unless ('b' == true) {
  notify { 'n1': message => 10 }
} else {
  notify { 'n2': message => 42 }
}
$v1 = values({'c' => 1, 'b' => 2}).map |$x| { "${x}" }[0]
define d2(Iterable $x) {
  notify { "${title}-n3": message => $x }
}
d2 { ['n4', 'n5']: x => [1].reduce(0) |$m, $v| { $m + $m } }
notify { 'n6': message => $v1 }
notify { 'n7': message => String(/a/) }
