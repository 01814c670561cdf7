notify { 'a': message => Array({ 'a' => 1 }) }
