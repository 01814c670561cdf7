notify { 'n1': message => 42 }
notify { 'n2': message => String(type({ '' => true, 'z' => 10 })) }
