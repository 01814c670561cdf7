$v0 = empty(values({}))
notify { 'n1': message => sort([42, '3.5', -1])[1, -1] }
