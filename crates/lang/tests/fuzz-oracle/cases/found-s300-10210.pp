case ('b' > 'a') {
  Iterable: { notify { 'n1': message => {'c' => 0, 'b' => 'a', 'a' => 42} } }
  default: { notify { 'n2': message => [] } }
}
unless (false or true) {
  notify { 'n3': message => [10, 'abc'].reduce({}) |$m, $v| { $m + { "${v}" => $v } } }
} else {
  notify { 'n4': message => split('A', '')[0] }
}
notify { 'n5': message => keys({'b' => 42, 'c' => 'ab,cd', 'a' => 'x y'}).any |$x| { $x == 7 } }
