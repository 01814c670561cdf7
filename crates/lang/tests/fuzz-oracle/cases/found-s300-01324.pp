notify { 'n1': message => ([] << String(type({'c' => 0, 'a' => -5, 'b' => 7}))) }
Notify { loglevel => true }
notify { 'n2': message => (0 >> 1) }
notify { 'n3': message => 2 }
notify { 'n4': message => "x${100}" }
notify { 'n5': }
notify { 'n6': }
Notify['n5'] ~> Notify['n6']
