notify { 'n1': message => {'d' => 10, 'b' => 2}.filter |$k, $v| { $k != 'a' } }
Notify { tag => debug }
notify { 'n2': message => Hash[String, Integer][100] }
$v0 = ('10' =~ /x y/) ? { true => 'true', default => 'ab,cd' }
