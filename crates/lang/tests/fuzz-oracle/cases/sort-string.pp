notify { 'a': message => sort('hello') }
