case [-1].reduce(0) |$m, $v| { $m + $m } {
  7, '10': { notify { 'n1': message => true } }
  default: { notify { 'n2': message => 100 } }
}
case {'c' => 100, 'd' => 7, 'a' => 2} {
  Optional[String]: { notify { 'n3': message => '10'[-1] } }
  default: { notify { 'n4': message => {} } }
}
if false {
  notify { 'n5': message => 7 }
} else {
  notify { 'n6': message => Integer({'b' => 0, 'c' => 1}) }
}
notify { 'n7': }
notify { 'n8': }
Notify['n7'] <- Notify['n8']
notify { 'n9': message => "a-${-1}" }
[1, 2, 3].each |$v| {
  notify { "n10-${v}": message => length('0x1F') }
}
