notify { 'x': message => rf::fails('bad') }
