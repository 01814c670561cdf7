$v0 = if (1 <= 1) { -1 } else { 42 }
notify { 'n1': message => [] }
notify { 'n2': message => String(type({'c' => 'ab,cd'}.filter |$k, $v| { $k == 'd' }, generalized)) }
notify { 'n3': }
notify { 'n4': }
Notify['n3'] -> Notify['n4']
class c0(Variant[Integer, String] $p = $v0) {
  notify { 'n5': message => $p }
  notify { 'n6': message => "${p}-${title}-${name}" }
}
class { 'c0': }
