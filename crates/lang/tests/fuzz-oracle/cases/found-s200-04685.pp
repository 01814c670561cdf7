notify { 'n1': message => ('true' in {'b' => 'x y', 'd' => 3}) }
notify { 'n2': message => String(type({'a' => -1, 'd' => '3.5', 'c' => 7}, generalized)) }
case { 'Hello' => true, 'z' => {} } {
  '10': { notify { 'n3': message => min(42, 10) } }
  default: { notify { 'n4': message => true } }
}
