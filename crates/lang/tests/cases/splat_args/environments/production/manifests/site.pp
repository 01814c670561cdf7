$args = ['a', 'b', 'c']
$j = join(*[$args, '-'])
$arr = [0, *$args, 'd']
notify { 'x': message => "${j} ${arr}" }
