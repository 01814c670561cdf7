notify { 'a': message => String(type([1, 'a'], generalized)) }
