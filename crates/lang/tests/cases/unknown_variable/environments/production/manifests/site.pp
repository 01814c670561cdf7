notify { 'x': message => "[${nosuch}]" }
