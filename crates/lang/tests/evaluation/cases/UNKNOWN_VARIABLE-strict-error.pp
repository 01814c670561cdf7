# settings: strict=error
notify { 'r': message => $nope }
