case Hash([['a', 1]]) {
  '0x1F': { notify { 'n1': message => 'ab,cd'[1] } }
  default: { notify { 'n2': message => 100 } }
}
$v0 = { '10' => keys({'a' => 1, 'c' => 'true', 'b' => '0x1F'}), 'z' => ['x y', 'true'] }
notify { 'n3': message => String(type([], generalized)) }
notify { 'n4': message => [0, 3] }
