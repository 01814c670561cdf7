notify { 'n1': message => [1, -1] }
unless [3, -5].any |$x| { $x == 10 } {
  notify { 'n2': message => ['42', 42].all |$x| { $x =~ Integer } }
} else {
  notify { 'n3': message => "${-1}" }
}
$v0 = "a-${-2}"
case Pattern[/^a/][undef] {
  /^a/, '0x1F': { notify { 'n4': message => [$v0, 10, 10].filter |$x| { $x =~ Integer[1] } } }
  default: { notify { 'n5': message => assert_type(Undef, 2.5) } }
}
