$v0 = [].all |$x| { $x =~ Integer } ? { true => 7, default => -5 }
define d0(Iterable $x) {
  notify { "${title}-n1": message => $x }
}
d0 { ['n2', 'n3']: x => -$v0 }
notify { 'n4': message => $v0 }
notify { 'n5': message => ({} + {'b' => 7, 'c' => $v0, 'a' => 'A'}) }
Notify { loglevel => true }
notify { 'n6': message => ['A', 7, 'a'][2.5] }
notify { 'n7': message => regsubst(split('x y', '')[0], '^', '') }
notify { 'n8': message => [$v0, 'A', -5] }
