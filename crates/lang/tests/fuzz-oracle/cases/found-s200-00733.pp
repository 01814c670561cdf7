$v0 = !('true' in {'b' => 7, 'c' => 2, 'a' => 'ab,cd'})
$v1 = { 'a' => sort([3, 'ab,cd', -1]), 'z' => 'b' }
