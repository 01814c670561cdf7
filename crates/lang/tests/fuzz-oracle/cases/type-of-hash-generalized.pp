notify { 'a': message => String(type({ 'a' => 'x', 'b' => 1 }, generalized)) }
