notify { 'n1': message => ({'a' => 2, 'c' => 'ab,cd'} + {}) }
notify { 'n2': message => empty([7]) }
notify { 'n3': message => Boolean({'b' => 1, 'a' => -5}) }
