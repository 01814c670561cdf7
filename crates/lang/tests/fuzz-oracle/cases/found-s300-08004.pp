Notify { tag => x }
notify { 'n1': message => ['', 'true', 0] }
unless ({} =~ Hash[String, Integer]) {
  notify { 'n2': message => ({'c' => '42'} - ['3.5', 10, '0x1F']) }
} else {
  notify { 'n3': message => Hash([]) }
}
if ['3.5', 'abc', 'é'].any |$x| { $x == 2 } {
  notify { 'n4': message => (true and false) }
} else {
  notify { 'n5': message => (2 >= 2) }
}
notify { 'n6': message => values(({'b' => 'abc', 'c' => '3.5'} - {})) }
notify { 'n7': message => ({'b' => 10, 'c' => 42} - 2.5) }
notify { 'n8': message => Integer('-7') }
