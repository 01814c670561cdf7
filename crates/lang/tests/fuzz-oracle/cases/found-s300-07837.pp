notify { 'n1': message => (['a'] - ['A', 'x y']) }
notify { 'n2': message => ('' < 'é') }
notify { 'n3': message => flatten(([7, 7] << ['0x1F'])) }
notify { 'n4': message => Numeric[{}] }
