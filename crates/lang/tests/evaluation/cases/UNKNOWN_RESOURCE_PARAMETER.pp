notify { 'a': }
$x = Notify['a']['nope']
