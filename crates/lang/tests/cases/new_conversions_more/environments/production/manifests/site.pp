$r = [
  Integer('0x1F'), Integer('0b101'), Integer('017'), Integer('42'), Numeric('3.5'), Float('1e3'),
  Integer(3.99), String(true), Boolean('yes'), Array('abc'), Array([1]), Integer('-12'),
]
notify { 'x': message => "${r}" }
