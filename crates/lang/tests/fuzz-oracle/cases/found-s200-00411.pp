define d0(Hash[String, Integer] $x = {'a' => 'a', 'd' => -5, 'c' => 'b'}) {
  notify { "${title}-n1": message => $x }
}
d0 { ['n2']: x => ({'c' => 10, 'b' => 'é', 'a' => 1} + {'a' => 'abc', 'b' => 7}) }
define d2(Hash[String, Variant[String, Integer]] $x = {'d' => -1}) {
  notify { "${title}-n3": message => $x }
}
d2 { ['n4']: x => { 'Hello' => (Struct[{ 'a' => Integer }] - {}), 'z' => ['ab,cd', 'A', '42'] } }
notify { 'n5': message => 'A' }
define d5(Hash $x) {
  notify { "${title}-n6": message => $x }
}
d5 { ['n7']: x => [].reduce({}) |$m, $v| { $m + { "${v}" => $v } } }
notify { 'n8': }
notify { 'n9': }
Notify['n8'] <~ Notify['n9']
