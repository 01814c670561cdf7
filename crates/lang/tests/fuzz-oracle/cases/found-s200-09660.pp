notify { 'n1': message => split('true', ',')[0] }
Integer[1, 2].each |$v| {
  notify { "n2-${v}": message => ['Hello', '0x1F'][2.5] }
}
['a', 'b'].each |$v| {
  notify { "n3-${v}": message => ($v + $v) }
}
define d3(Array[Data, 0, 3] $x = [100, 'é', '0x1F']) {
  notify { "${title}-n4": message => $x }
}
d3 { ['n5']: x => ([42, 'a'] + [-5, 1]) }
Notify { tag => x }
notify { 'n6': message => {'d' => '3.5', 'c' => 'ab,cd'} }
[1].each |$i, $v| {
  notify { "n7-${i}": message => {'c' => '0x1F', 'a' => 'A', 'b' => $v} }
}
