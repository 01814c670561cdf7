unless (2 in ['']) {
  notify { 'n1': message => {'a' => 42} }
} else {
  notify { 'n2': message => ['x y'] }
}
Notify { withpath => x }
notify { 'n3': message => ['b', 2].all |$x| { $x =~ Integer } }
define d3(Iterable $x = true) {
  notify { "${title}-n4": message => $x }
}
d3 { ['n5']:  }
define d5(Integer $x = {}) {
  notify { "${title}-n6": message => $x }
}
d5 { ['n7']: x => ({'b' => 10, 'a' => -1, 'c' => 'é'} + {}) }
