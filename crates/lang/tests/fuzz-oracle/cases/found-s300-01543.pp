notify { 'n1': message => { 'ab,cd' => ([] - ['é', -1]), 'z' => Hash[String, Integer][42] } }
notify { 'n2': }
notify { 'n3': }
Notify['n2'] <- Notify['n3']
notify { 'n4': message => (([] == '3.5') or empty([42, 'true'])) }
Notify { loglevel => x }
notify { 'n5': message => (7 << 3) }
