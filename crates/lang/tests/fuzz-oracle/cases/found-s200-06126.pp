case '' {
  '42', /^a/: { notify { 'n1': message => chomp('0x1F') } }
  default: { notify { 'n2': message => 2 } }
}
$v0 = (({} - []) + {'d' => 42})
notify { 'n3': message => { '42' => [1, 'Hello', -5], 'z' => 7 } }
notify { 'n4': message => '3.5' }
Notify { loglevel => true }
notify { 'n5': message => (10 >= -5) }
if (42 in ['Hello', '10']) {
  notify { 'n6': message => ('b' =~ /^$/) }
} else {
  notify { 'n7': message => 'a'[Integer[0, 10]] }
}
