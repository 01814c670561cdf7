case {'a' => 0, 'd' => '42', 'c' => 2} {
  3: { notify { 'n1': message => (-1 == 10) } }
  default: { notify { 'n2': message => {'b' => '10', 'd' => 0} } }
}
notify { 'n3': message => String(type(({'d' => 100} + {'c' => 10}), generalized)) }
