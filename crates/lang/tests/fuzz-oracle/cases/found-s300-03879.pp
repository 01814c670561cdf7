case ('true' =~ /^$/) {
  'true': { notify { 'n1': message => length('x y') } }
  default: { notify { 'n2': message => false } }
}
class c0(Data $p = true) {
  notify { 'n3': message => $p }
  notify { 'n4': message => "${p}-${title}-${name}" }
}
class { 'c0': p => (10 in [1, 42, 1]) }
case Integer(true) {
  'a': { notify { 'n5': message => ['3.5'] } }
  default: { notify { 'n6': message => ({'b' => 10, 'c' => 'b'} - false) } }
}
$v0 = Hash([['a', 1]])
[100, 100].each |$v| {
  notify { "n7-${v}": message => size(['abc']) }
}
