case {'b' => 42} {
  /^a/: { notify { 'n1': message => (default * 42) } }
  default: { notify { 'n2': message => [-1, 3] } }
}
Notify { tag => debug }
notify { 'n3': message => String(type([], generalized)) }
[-1, 42, 'a'].each |$i, $v| {
  notify { "n4-${i}": message => ['a'][-2, 1] }
}
case size([3, 7]) {
  '42', 'Hello': { notify { 'n5': message => 'abc' } }
  default: { notify { 'n6': message => {'b' => 10} } }
}
class c0(Iterable $p = []) {
  notify { 'n7': message => $p }
  notify { 'n8': message => "${p}-${title}-${name}" }
}
class { 'c0': p => ['b', 'true'][0, 2] }
case ('A' =~ /^b/) {
  'Hello': { notify { 'n9': message => Hash(['a', 1, 'b', 2]) } }
  default: { notify { 'n10': message => 100 } }
}
