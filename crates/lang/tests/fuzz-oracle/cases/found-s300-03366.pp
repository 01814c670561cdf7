$v0 = (['A', 0, '3.5'] + Array({}))
$v1 = min(0, [100, -5, 7][1])
notify { 'n1': message => Collection[{'c' => $v1, 'd' => 'a', 'a' => 0}] }
if $v0.any |$x| { $x == $v1 } {
  notify { 'n2': message => keys({'a' => 'x y', 'c' => 'Hello'}) }
} else {
  notify { 'n3': message => (1 != $v1) }
}
class c0(Array[String, 1] $p = false) {
  notify { 'n4': message => $p }
  notify { 'n5': message => "${p}-${title}-${name}" }
}
class { 'c0': p => Boolean('true') }
[1, 2, 3].each |$i, $v| {
  notify { "n6-${i}": message => ($v0 - $v0) }
}
