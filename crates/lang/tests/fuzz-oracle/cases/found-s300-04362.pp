unless ('42' =~ /^$/) {
  notify { 'n1': message => sprintf('%d', -1) }
} else {
  notify { 'n2': message => '0x1F' }
}
unless [].all |$x| { $x =~ Integer } {
  notify { 'n3': message => if true { -5 } else { -5 } }
} else {
  notify { 'n4': message => empty({'a' => '42', 'b' => '0x1F'}) }
}
case [-5] {
  /^a/, 100: { notify { 'n5': message => false ? { true => 7, default => 100 } } }
  default: { notify { 'n6': message => Boolean[['42', -5]] } }
}
