Notify { tag => true }
notify { 'n1': message => Array[['A', 0]] }
$v0 = ['A', '10']
class c0(Integer[0, 10] $p = 10) {
  notify { 'n2': message => $p }
  notify { 'n3': message => "${p}-${title}-${name}" }
}
class { 'c0': p => 100 }
class c1(Struct[{ 'a' => Integer }] $p = {'a' => 42, 'd' => 'true'}) {
  notify { 'n4': message => $p }
  notify { 'n5': message => "${p}-${title}-${name}" }
}
class { 'c1': }
(['', '0x1F'] - [2, 'é', 'x y']).each |$v| {
  notify { "n6-${v}": message => values({'c' => '10'}) }
}
$v1 = { 'A' => size([7, 'a', '10']), 'z' => false }
