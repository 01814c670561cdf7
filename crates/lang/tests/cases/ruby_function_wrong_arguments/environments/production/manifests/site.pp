notify { 'x': message => rf::count() }
