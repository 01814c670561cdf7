Notify { tag => debug }
notify { 'n1': message => ['0x1F'].map |$x| { 42 } }
class c0(Any $p = 0) {
  notify { 'n2': message => $p }
  notify { 'n3': message => "${p}-${title}-${name}" }
}
class { 'c0': }
notify { 'n4': message => 0 }
notify { 'n5': message => max([3, 0, 2][5], (1 - 10)) }
Notify { loglevel => notice }
notify { 'n6': message => {'b' => 'true', 'a' => 'é'}.filter |$k, $v| { $k != 'a' } }
notify { 'n7': message => 10 }
