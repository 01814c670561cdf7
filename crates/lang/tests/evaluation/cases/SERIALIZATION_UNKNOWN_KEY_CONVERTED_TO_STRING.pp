# settings: strict=error
notify { 'a': message => { 1 => 2 } }
