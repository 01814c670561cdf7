notify { 'n1': message => String(type(({} - {}), generalized)) }
define d1(String $x = 'ab,cd') {
  notify { "${title}-n2": message => $x }
}
d1 { ['n3']: x => downcase('') }
unless Boolean('true') {
  notify { 'n4': message => ({'b' => 1, 'd' => 'abc', 'c' => 100} - {'a' => 'a'}) }
} else {
  notify { 'n5': message => 'a' }
}
define d5(Data $x = {'c' => 'x y', 'a' => 'ab,cd', 'd' => 0}) {
  notify { "${title}-n6": message => $x }
}
d5 { ['n7']: x => ({'d' => 1, 'a' => 'true', 'c' => 'ab,cd'} + {}) }
notify { 'n8': }
notify { 'n9': }
Notify['n8'] <~ Notify['n9']
