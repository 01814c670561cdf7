# settings: strict=error
notify { 'a': message => { 'k' => default } }
