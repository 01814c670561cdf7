Integer[1, 2].each |$v| {
  notify { "n1-${v}": message => ({} + {'a' => '', 'd' => 'b'}) }
}
$v0 = 10
notify { 'n2': message => ['x y'] }
notify { 'n3': message => String(/a/) }
$v1 = min($v0, false ? { true => 1, default => $v0 })
class c0(Any $p = $v0) {
  notify { 'n4': message => $p }
  notify { 'n5': message => "${p}-${title}-${name}" }
}
contain c0
