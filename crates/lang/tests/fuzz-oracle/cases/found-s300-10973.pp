$v0 = sort(Array([-5, '3.5', 0], true))
notify { 'n1': message => '3.5' }
notify { 'n2': message => assert_type(Any, Integer[5]) }
