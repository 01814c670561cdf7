$v0 = {'a' => '3.5', 'd' => 1}
class c0( $p = false) {
  notify { 'n1': message => $p }
  notify { 'n2': message => "${p}-${title}-${name}" }
}
class { 'c0': }
notify { 'n3': message => String(type({'a' => 100, 'd' => 7, 'b' => '3.5'}, generalized)) }
define d3(String $x = 'é') {
  notify { "${title}-n4": message => $x }
}
d3 { ['n5', 'n6']:  }
