notify { 'n1': message => String(type('')) }
notify { 'n2': message => 3 }
define d2(Variant[Integer, String] $x = 10) {
  notify { "${title}-n3": message => $x }
}
d2 { ['n4']: x => (7 * -1) }
notify { 'n5': }
notify { 'n6': }
Notify['n5'] ~> Notify['n6']
notify { 'n7': message => regsubst('Hello', '[0-9]', '') }
Notify { tag => debug }
notify { 'n8': message => (['ab,cd'] + ['true', 42]) }
Notify { withpath => debug }
notify { 'n9': message => Boolean({'d' => 1, 'b' => 7, 'a' => 'é'}) }
