['a', 'b'].each |$v| {
  notify { "n1-${v}": message => String(/a/) }
}
if ('b' =~ /a/) {
  notify { 'n2': message => ({} + {'b' => 2, 'a' => 'true'}) }
} else {
  notify { 'n3': message => (undef =~ String) }
}
