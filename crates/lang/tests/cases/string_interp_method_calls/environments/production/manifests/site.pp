$a = ['x', 'y']
notify { 'x': message => "${a.join('+')} ${a.map |$v| { upcase($v) }}" }
