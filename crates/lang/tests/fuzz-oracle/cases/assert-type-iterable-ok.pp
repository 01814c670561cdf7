notify { 'a': message => assert_type(Iterable, [1]) }
