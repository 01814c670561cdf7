notify { 'n1': }
notify { 'n2': }
Notify['n1'] <~ Notify['n2']
notify { 'n3': message => String(type('')) }
notify { 'n4': message => ('' =~ /[0-9]+/) }
notify { 'n5': message => Integer({'b' => 1, 'c' => 3, 'a' => '10'}) }
