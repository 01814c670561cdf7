notify { 'a': message => String(type({ 'a' => 1 })) }
