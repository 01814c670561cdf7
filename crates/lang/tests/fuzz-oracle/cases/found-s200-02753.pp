$v0 = if (true or true) { -5 } else { -1 }
$v1 = (['é'] - []).reduce({}) |$m, $v| { $m + { "${v}" => $v } }
notify { 'n1': message => 'x y'[{}] }
class c0(Struct[{ 'a' => Integer }] $p = {'c' => $v0, 'd' => $v0, 'a' => 'b'}) {
  notify { 'n2': message => $p }
  notify { 'n3': message => "${p}-${title}-${name}" }
}
class { 'c0': }
unless [].any |$x| { $x == 100 } {
  notify { 'n4': message => Hash([]) }
} else {
  notify { 'n5': message => size([]) }
}
