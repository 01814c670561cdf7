notify { 'x': message => rf::strict('a', 'b') }
