unless false {
  notify { 'n1': message => (false and false) }
} else {
  notify { 'n2': message => -{'a' => ''} }
}
unless (true and false) {
  notify { 'n3': message => true }
} else {
  notify { 'n4': message => '0x1F' }
}
class c0(Array[Variant[Integer, String]] $p = ['42']) {
  notify { 'n5': message => $p }
  notify { 'n6': message => "${p}-${title}-${name}" }
}
include c0
Hash({'a' => 1, 'b' => 2}).each |$v| {
  notify { "n7-${v}": message => Collection[Integer[0, 10]] }
}
notify { 'n8': message => keys({'d' => -1, 'b' => 'é', 'c' => -5}) }
notify { 'n9': message => ['true'].any |$x| { $x == 0 } }
notify { 'n10': message => 'Hello' }
notify { 'n11': message => Array('3.5') }
