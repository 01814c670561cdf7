$v0 = Integer[2, 4].map |$i| { $i * 2 }
Notify { tag => true }
notify { 'n1': message => flatten($v0) }
class c0(Array[Variant[Integer, String]] $p = [10, 7, 1]) {
  notify { 'n2': message => $p }
  notify { 'n3': message => "${p}-${title}-${name}" }
}
class { 'c0': p => $v0.map |$x| { -1 } }
notify { 'n4': }
notify { 'n5': }
Notify['n4'] -> Notify['n5']
Notify { loglevel => true }
notify { 'n6': message => String(type({'c' => 7, 'b' => 'A'}, generalized)) }
