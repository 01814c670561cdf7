notify { 'n1': }
notify { 'n2': }
Notify['n1'] ~> Notify['n2']
notify { 'n3': message => size('b') }
notify { 'n4': message => length('true') }
notify { 'n5': message => { 'A' => max(10, 7), 'z' => ['A']['10'] } }
notify { 'n6': }
notify { 'n7': }
Notify['n6'] <- Notify['n7']
