notify { 'a': message => Integer }
