case ('é' =~ /a/) {
  Iterable: { notify { 'n1': message => -1 } }
  default: { notify { 'n2': message => [1, 'é', 0] } }
}
if false {
  notify { 'n3': message => ('A' in {'c' => '0x1F', 'd' => 100}) }
} else {
  notify { 'n4': message => (42 << 3) }
}
