$v0 = ({} - ({'b' => 42, 'c' => '42'} + {'b' => 'a', 'a' => 'true', 'd' => ''}))
$v1 = (sprintf('%s', -1) in "${'x y'}-${(true)}")
Notify { withpath => notice }
notify { 'n1': message => String(type({'a' => '42'}, generalized)) }
notify { 'n2': message => ((3 + 2) in [0]) }
