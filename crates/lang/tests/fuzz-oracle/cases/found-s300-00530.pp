$v0 = {'a' => 'A', 'd' => 'abc'}
notify { 'n1': message => 100.filter |$x| { $x } }
notify { 'n2': message => 'true' }
notify { 'n3': message => String(type(({'b' => 'ab,cd'} + {'a' => 3, 'b' => -1, 'c' => 3}), generalized)) }
notify { 'n4': message => sprintf('%05d', size(['true'])) }
Notify { loglevel => debug }
notify { 'n5': message => true ? { true => 1, default => 7 } }
class c0(Variant[Integer, String] $p = 10) {
  notify { 'n6': message => $p }
  notify { 'n7': message => "${p}-${title}-${name}" }
}
class { 'c0': }
