Notify { withpath => true }
notify { 'n1': message => true }
class c0(Hash[String, Variant[String, Integer]] $p = {'c' => -1, 'a' => 'A', 'd' => 42}) {
  notify { 'n2': message => $p }
  notify { 'n3': message => "${p}-${title}-${name}" }
}
include c0
notify { 'n4': message => Integer({'a' => '42'}) }
notify { 'n5': message => Array({'b' => -5, 'd' => 'é', 'c' => '10'}, true) }
