notify { 'n1': }
notify { 'n2': }
Notify['n1'] ~> Notify['n2']
notify { 'n3': message => Integer({'b' => '', 'd' => -5}) }
notify { 'n4': message => (['a'] << ['42', '42', '3.5']) }
Notify { loglevel => debug }
notify { 'n5': message => unique(['ab,cd']) }
notify { 'n6': message => {'d' => 'b'} }
Notify { loglevel => debug }
notify { 'n7': message => ['ab,cd', 'abc', 1][1, -1] }
