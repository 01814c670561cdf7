notify { 'n1': message => Array[String, 1][3] }
Notify { tag => debug }
notify { 'n2': message => 'A' }
[1, 2, 3].each |$i, $v| {
  notify { "n3-${i}": message => keys({}) }
}
$v0 = ([7].reduce({}) |$m, $v| { $m + { "${v}" => $v } } - ({'d' => 'é', 'c' => 'Hello'} + {'d' => -1, 'b' => -5}))
$v1 = {}
