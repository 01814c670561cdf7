# settings: strict=error
notify { 'a': message => Integer }
