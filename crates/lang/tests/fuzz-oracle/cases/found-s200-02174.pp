notify { 'n1': message => sprintf('%s', size([''])) }
$v0 = (chomp('a') =~ /^$/)
notify { 'n2': message => {} }
unless true {
  notify { 'n3': message => min(7, 42) }
} else {
  notify { 'n4': message => ({'d' => '42', 'b' => 'b', 'c' => 7} - ['x y']) }
}
notify { 'n5': message => ({}.filter |$k, $v| { $k != 'a' } + ({'b' => 'Hello'} - [-1, 'Hello'])) }
Notify { loglevel => x }
notify { 'n6': message => Integer({'b' => -1}) }
