notify { 'n1': message => sprintf('%-3s|', -10) }
notify { 'n2': message => Integer({'b' => 0, 'a' => '0x1F'}) }
define d2(Boolean $x = false) {
  notify { "${title}-n3": message => $x }
}
d2 { ['n4']: x => ('x y' == '') }
notify { 'n5': }
notify { 'n6': }
Notify['n5'] -> Notify['n6']
