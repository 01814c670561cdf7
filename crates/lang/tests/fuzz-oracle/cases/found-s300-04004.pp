$v0 = { '10' => Variant[Integer, String][/a/], 'z' => 'abc' }
notify { 'n1': message => !('0x1F' in '0x1F') }
$v1 = $v0
