$h = { 'b' => 2, 'a' => [1, { 'x' => undef }], 'c' => undef }
$arr = [1, 'two', 3.0, true, undef, [], {}]
notify { 'data': message => { 'h' => $h, 'arr' => $arr, 'k' => $h['a'][1] } }
notify { 'undef-param': message => undef, withpath => false }
