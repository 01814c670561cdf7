notify { 'n1': message => "${String({'d' => 7})}-${((100 in []))}" }
case {} {
  /^a/, -1: { notify { 'n2': message => 1 } }
  default: { notify { 'n3': message => -Struct[{ 'a' => Integer }] } }
}
$v0 = [keys({'a' => -5, 'd' => 'Hello', 'c' => 7}), 2].flatten
Notify { loglevel => x }
notify { 'n4': message => [].reduce(0) |$m, $v| { $m + $m } }
case ({'b' => 3, 'd' => 42} - $v0) {
  -1: { notify { 'n5': message => "${'42'}-${(false)}" } }
  default: { notify { 'n6': message => 'a' } }
}
