$list = [1, 2]
$r = $list.each
notify { 'x': message => "${r}" }
