$r = [
  upcase('abc'), downcase('ABC'), capitalize('hello world'), strip('  x  '), lstrip('  x'), rstrip('x  '),
  chomp("line\n"), chop('abc'), split('a,b,,c', ','), split('a1b22c', /\d+/), join(['a', 'b'], '-'),
  sprintf('%05.1f|%-4s|%x|%d', 3.14159, 'ab', 255, 42), regsubst('hello', 'l', 'L'), regsubst('hello', 'l', 'L', 'G'),
  regsubst('abc', /(b)/, '[\1]'), size('héllo'), length([1, 2]),
]
notify { 'x': message => "${r}" }
