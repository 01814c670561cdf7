notify { 'a': message => [Array({ 'b' => 1 }, true), Array('ab,cd', true), Array([1], true)] }
