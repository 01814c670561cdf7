$r = [
  sprintf('%s and %s', 'a', 'b'), sprintf('%5d|%-5d|%05d', 42, 42, 42), sprintf('%.3f', 2.0),
  sprintf('%x %X %o %b', 255, 255, 8, 5), sprintf('%e', 12345.678), sprintf('%%'),
  sprintf('%+d %+d', 5, -5), sprintf('%10.4s|', 'abcdefgh'), sprintf('%c', 65),
]
notify { 'x': message => "${r}" }
