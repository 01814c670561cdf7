['a', 'b'].each |$v| {
  notify { "n1-${v}": message => String(false) }
}
$v0 = ([3, 'a'].reduce({}) |$m, $v| { $m + { "${v}" => $v } } - {})
class c0(Hash[String, Variant[String, Integer]] $p = $v0) {
  notify { 'n2': message => $p }
  notify { 'n3': message => "${p}-${title}-${name}" }
}
class { 'c0': p => { '' => ['abc', '10', 2], 'z' => false } }
notify { 'n4': message => 'Hello' }
