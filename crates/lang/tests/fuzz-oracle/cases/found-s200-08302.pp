notify { 'n1': message => "${'b'}-${(true)}" }
notify { 'n2': message => String(type({'a' => 'é', 'c' => '42', 'b' => 100})) }
$v0 = 7
class c0(Variant[Integer, String] $p = $v0) {
  notify { 'n3': message => $p }
  notify { 'n4': message => "${p}-${title}-${name}" }
}
contain c0
