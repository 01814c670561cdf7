notify { 'x': message => { 'a' => [1, { 'b' => undef }], 'c' => 1.5 } }
