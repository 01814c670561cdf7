notify { 'n1': message => (Hash([['a', 1]]) - ({'a' => 7} + {'c' => 'A', 'd' => -5})) }
if false {
  notify { 'n2': message => false ? { true => 'x y', default => '10' } }
} else {
  notify { 'n3': message => String(type({'a' => 3}, generalized)) }
}
