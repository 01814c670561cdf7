case 'true' {
  /^a/, 42: { notify { 'n1': message => max(42, 1) } }
  default: { notify { 'n2': message => true } }
}
notify { 'n3': message => ({'a' => 'ab,cd', 'd' => 'x y'} - {'d' => 3}.filter |$k, $v| { $k != 'd' }) }
[1, 2, 3].each |$i, $v| {
  notify { "n4-${i}": message => type({'b' => '0x1F'}) }
}
notify { 'n5': message => ({'a' => '0x1F', 'd' => 7} - undef) }
notify { 'n6': message => ('42' in ['0x1F']) }
Notify { loglevel => x }
notify { 'n7': message => split('3.5', 'b')[0] }
