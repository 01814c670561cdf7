['a', 'b'].each |$i, $v| {
  notify { "n1-${i}": message => sprintf('%-3s|', 3) }
}
define d1(Variant[Integer, String] $x) {
  notify { "${title}-n2": message => $x }
}
d1 { ['n3']:  }
case size(['abc', 10]) {
  3: { notify { 'n4': message => ({'b' => -5} - {}) } }
  default: { notify { 'n5': message => 'x y'[{'c' => 'abc'}] } }
}
