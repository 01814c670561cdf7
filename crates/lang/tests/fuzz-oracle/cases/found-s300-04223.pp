notify { 'n1': message => ({'b' => 42, 'a' => 10} + { 'Hello' => (default < default), 'z' => {'a' => -5, 'b' => 'abc'} }) }
notify { 'n2': message => {'b' => 1, 'c' => 'x y'}.filter |$k, $v| { $k == 'd' } }
class c0(Array[Integer] $p = []) {
  notify { 'n3': message => $p }
  notify { 'n4': message => "${p}-${title}-${name}" }
}
class { 'c0': }
