$v0 = ('Hello' == [].map |$x| { "${x}" }[0])
notify { 'n1': message => ([] << [][2.5]) }
notify { 'n2': message => ['Hello'].map |$x| { "${x}" }[0] }
$v1 = {}
