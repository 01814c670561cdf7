Integer[1, 2].each |$i, $v| {
  notify { "n1-${i}": message => '' }
}
case sprintf('%s', 1) {
  '10': { notify { 'n2': message => empty({'c' => 1, 'b' => 2, 'a' => 10}) } }
  default: { notify { 'n3': message => ['42', 'a'] } }
}
notify { 'n4': message => ({} / 1) }
notify { 'n5': message => ("${-5}" =~ /^$/) }
