notify { 'n1': message => 5.step(2).map |$x| { $x } }
notify { 'n2': message => String(type({'c' => 'A', 'd' => 'abc', 'b' => 7})) }
$v0 = 42
$v1 = (regsubst('0x1F', '^', 'X', 'G') in [0, $v0])
case unique([]) {
  $v0, $v0: { notify { 'n3': message => 0 } }
  default: { notify { 'n4': message => 'Hello' } }
}
