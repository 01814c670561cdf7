define d0(Iterable $x) {
  notify { "${title}-n1": message => $x }
}
d0 { ['n2', 'n3']: x => [] }
Notify { loglevel => x }
notify { 'n4': message => ([10] + [2]) }
if (true or true) {
  notify { 'n5': message => Iterable[false] }
} else {
  notify { 'n6': message => "${'ab,cd'}-${(true)}" }
}
