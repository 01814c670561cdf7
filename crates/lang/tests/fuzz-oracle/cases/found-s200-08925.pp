notify { 'n1': message => sprintf('%x', -5) }
unless (false or true) {
  notify { 'n2': message => length('') }
} else {
  notify { 'n3': message => max(7, -5) }
}
notify { 'n4': message => { '10' => {'d' => 10, 'b' => 100, 'c' => '3.5'}, 'z' => ['b', '42', 1] } }
notify { 'n5': message => String(type(['42', 100], generalized)) }
notify { 'n6': message => strip(String(type([]))) }
