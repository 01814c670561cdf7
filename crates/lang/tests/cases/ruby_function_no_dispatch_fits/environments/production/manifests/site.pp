notify { 'x': message => rf::which() }
