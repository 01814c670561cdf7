notify { 'n1': message => (default < default) }
notify { 'n2': message => ([] + []) }
define d2(Data $x) {
  notify { "${title}-n3": message => $x }
}
d2 { ['n4', 'n5']: x => -0 }
