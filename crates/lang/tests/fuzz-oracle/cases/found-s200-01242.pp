if ('x y' > '42') {
  notify { 'n1': message => if true { 3 } else { 100 } }
} else {
  notify { 'n2': message => 1 }
}
Hash({'a' => 1, 'b' => 2}).each |$i, $v| {
  notify { "n3-${i}": message => min(10, $v) }
}
notify { 'n4': message => 2 }
class c0( $p = false) {
  notify { 'n5': message => $p }
  notify { 'n6': message => "${p}-${title}-${name}" }
}
class { 'c0': }
Hash({'a' => 1, 'b' => 2}).each |$i, $v| {
  notify { "n7-${i}": message => String(type({'c' => 'é'})) }
}
