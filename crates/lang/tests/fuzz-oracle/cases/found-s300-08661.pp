Notify { tag => x }
notify { 'n1': message => 'Hello'[0, 2] }
notify { 'n2': message => String(/a/) }
