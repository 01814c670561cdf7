$t = [type(1), type('a'), type([1]), type(1.5), type(true), type(undef)]
notify { 'x': message => "${t}" }
notify { 'y': message => "${type(1, 'generalized')} ${type('abc', 'reduced')}" }
