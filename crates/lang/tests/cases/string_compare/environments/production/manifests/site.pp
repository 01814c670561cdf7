$r = ['Debian' == 'debian', 'abc' != 'ABC', [1, 'A'] == [1, 'a'], { 'k' => 'V' } == { 'k' => 'v' }, 'a' < 'b', 'B' > 'a', 'x' == 'x ', '1' == 1]
notify { 'cmp': message => $r }
case 'DEBIAN' { 'debian': { notify { 'case-insensitive case': } } }
if 'Abc' =~ /^abc/ { notify { 'regex-ci': } } else { notify { 'regex-cs': } }
