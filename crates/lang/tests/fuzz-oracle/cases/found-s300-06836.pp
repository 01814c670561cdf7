unless false {
  notify { 'n1': message => 'abc' }
} else {
  notify { 'n2': message => {'a' => 'A', 'd' => 'abc', 'c' => 2}.filter |$k, $v| { $k < 'd' } }
}
case ('abc' =~ /a/) {
  NotUndef: { notify { 'n3': message => Integer({'a' => 100, 'd' => 'abc'}) } }
  default: { notify { 'n4': message => 0 } }
}
