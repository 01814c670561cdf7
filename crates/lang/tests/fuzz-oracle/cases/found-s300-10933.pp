notify { 'n1': message => empty('Hello') }
notify { 'n2': message => {'b' => 7}.filter |$k, $v| { $k < 'a' } }
Notify { loglevel => true }
notify { 'n3': message => Iterable[undef] }
