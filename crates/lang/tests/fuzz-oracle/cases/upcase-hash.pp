notify { 'a': message => upcase({ 'a' => 'b' }) }
