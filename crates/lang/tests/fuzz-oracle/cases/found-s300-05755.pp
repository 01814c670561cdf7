define d0(Enum['a', 'b', 'abc'] $x) {
  notify { "${title}-n1": message => $x }
}
d0 { ['n2']: x => String(type({'c' => -1, 'd' => -1, 'a' => 'true'})) }
$v0 = (2 == ['10', 42]) ? { true => '', default => '0x1F' }
$v1 = !(-5 != 0)
notify { 'n3': }
notify { 'n4': }
Notify['n3'] <- Notify['n4']
notify { 'n5': message => (0 and {'b' => '10'}) }
