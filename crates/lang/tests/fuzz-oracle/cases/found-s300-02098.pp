if [10].all |$x| { $x =~ Integer } {
  notify { 'n1': message => 100 }
} else {
  notify { 'n2': message => ({'c' => '0x1F', 'a' => 0, 'd' => 'ab,cd'} - ['A']) }
}
$v0 = (({'d' => 'é', 'a' => 'b'} + {'a' => 10, 'b' => 3}) - Array('10'))
notify { 'n3': message => String(type({'a' => '10', 'b' => 'true', 'd' => 'true'})) }
$v1 = 'ab,cd'
