define d0(Boolean $x = true) {
  notify { "${title}-n1": message => $x }
}
d0 { ['n2']: x => ('A' =~ /^b/) }
Notify { loglevel => true }
notify { 'n3': message => Integer({}) }
Notify { loglevel => debug }
notify { 'n4': message => Array({'b' => 'ab,cd'}, true) }
notify { 'n5': message => regsubst(true ? { true => '10', default => '3.5' }, '[0-9]', '', 'G') }
