$application = 'a'
$site = 'b'
notify { 'x': message => "${application} ${site}" }
