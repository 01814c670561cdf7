notify { 'n1': message => Boolean({'c' => -5, 'a' => '', 'd' => 42}) }
define d1(Hash[String, Variant[String, Integer]] $x) {
  notify { "${title}-n2": message => $x }
}
d1 { ['n3']: x => {} }
$v0 = 0.step(2).map |$x| { $x }.slice(2).map |$p| { size($p) }
