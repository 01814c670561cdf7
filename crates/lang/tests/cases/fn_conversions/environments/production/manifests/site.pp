$r = [Integer('42'), Integer('0x1F'), Integer('017'), Integer(3.9), Float('2.5'), Float(3), String(42), String([1, 'a']),
  Boolean('true'), Boolean('no'), Array({ 'a' => 1 }), Array('x'), Hash([['a', 1], ['b', 2]]), Numeric('3.5'), Integer(true),
  String(undef), Array(undef, true)]
notify { 'x': message => "${r}" }
