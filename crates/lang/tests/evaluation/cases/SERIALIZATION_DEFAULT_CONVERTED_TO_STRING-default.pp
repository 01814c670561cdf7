notify { 'a': message => { 'k' => default } }
