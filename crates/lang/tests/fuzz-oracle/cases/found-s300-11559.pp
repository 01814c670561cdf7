define d0(Struct[{ 'a' => Integer }] $x) {
  notify { "${title}-n1": message => $x }
}
d0 { ['n2']: x => { '3.5' => {'d' => 10}, 'z' => true } }
$v0 = (2 - [10, -1, 100][0])
notify { 'n3': message => { '10' => {'a' => -5, 'b' => ''}.each |$x| { $x }, 'z' => [] } }
notify { 'n4': message => split('', 'b') }
$v1 = "${'a'}-${(empty({}))}"
notify { 'n5': message => Boolean({}) }
notify { 'n6': message => -5 }
