if !true {
  notify { 'n1': message => [10, 100, 100][1] }
} else {
  notify { 'n2': message => String(/a/) }
}
unless empty('a') {
  notify { 'n3': message => {'a' => 'Hello', 'd' => 'é'}.map |$k, $v| { $k } }
} else {
  notify { 'n4': message => ['A', '3.5', 'true'].reduce(0) |$m, $v| { $m + 2 } }
}
notify { 'n5': message => Array('b') }
