$v0 = upcase('ab,cd'[5])
$v1 = [3, 0, 10][-1]
['a', 'b'].each |$i, $v| {
  notify { "n1-${i}": message => min($v, $v1) }
}
$v2 = [$v0, 'A'].reduce({}) |$m, $v| { $m + { "${v}" => $v } }.filter |$k, $v| { $k != 'c' }
class c0(Array[Data, 0, 3] $p) {
  notify { 'n2': message => $p }
  notify { 'n3': message => "${p}-${title}-${name}" }
}
class { 'c0': p => ['10'] }
$v3 = "${regsubst($v0, 'b+', 'X', 'G')}-${(('abc' =~ /[0-9]+/))}"
