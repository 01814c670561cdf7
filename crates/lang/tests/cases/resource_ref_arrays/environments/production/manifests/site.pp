notify { ['a', 'b', 'c']: }
Notify['a'] -> Notify['b', 'c']
$refs = Notify['a', 'b']
notify { 'd': require => $refs }
