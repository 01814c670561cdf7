unless (100 <= 3) {
  notify { 'n1': message => [].reduce(0) |$m, $v| { $m + 1 } }
} else {
  notify { 'n2': message => ['é'].reduce({}) |$m, $v| { $m + { "${v}" => $v } } }
}
notify { 'n3': message => -1 }
$v0 = ({ 'x y' => -1, 'z' => {} } + { 'true' => {'c' => 'b'}, 'z' => [42] })
notify { 'n4': message => ([] << Optional[String][undef])[5, 1] }
notify { 'n5': message => ((1 << 0) != (7 / 3)) }
notify { 'n6': message => ['3.5', -1].all |$x| { $x =~ Integer } }
notify { 'n7': message => !false }
