if true {
  notify { 'n1': message => {'c' => 'b', 'd' => 'b', 'a' => -1}.filter |$k, $v| { $k == 'a' } }
} else {
  notify { 'n2': message => 42 }
}
$v0 = split(regsubst('', '^', '\0'), '')[0]
class c0(Data $p = true) {
  notify { 'n3': message => $p }
  notify { 'n4': message => "${p}-${title}-${name}" }
}
class { 'c0': }
['a', 'b'].each |$i, $v| {
  notify { "n5-${i}": message => capitalize($v0) }
}
$v1 = ({'a' => -5, 'd' => $v0, 'c' => 'ab,cd'} + {'c' => 'ab,cd', 'b' => 3})
