$a = [1]
notify { 'r': message => "${a[1,2,3]}" }
