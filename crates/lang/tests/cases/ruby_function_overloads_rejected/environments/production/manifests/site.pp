notify { 'x': message => rf::strict([1]) }
