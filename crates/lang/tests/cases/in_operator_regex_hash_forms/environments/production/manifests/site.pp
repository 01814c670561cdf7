$r = [
  /^b/ in { 'beta' => 1 }, /^z/ in ['abc'], 'B' in ['a', 'b'], 2 in { 1 => 'one', 2 => 'two' },
  String in ['x'], Integer[5] in [1, 7], 'abc' in 'xxABCxx', ['a'] in [['a'], 'b'],
]
notify { 'x': message => "${r}" }
