notify { 'n1': message => true }
$v0 = split(downcase('b'), 'b')
Notify { withpath => debug }
notify { 'n2': message => Array({'b' => 100}, true) }
notify { 'n3': message => { 'ab,cd' => 0, 'z' => Boolean(Hash[String, Array[Integer]]) } }
$v1 = (min(10, 42) << 0)
$v2 = split('é', ',')
