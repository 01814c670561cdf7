notify { 'n1': }
notify { 'n2': }
Notify['n1'] <- Notify['n2']
class c0(Optional[String] $p = 'a') {
  notify { 'n3': message => $p }
  notify { 'n4': message => "${p}-${title}-${name}" }
}
class { 'c0': }
Notify { tag => debug }
notify { 'n5': message => Boolean({'a' => 'true', 'd' => -5, 'c' => 1}) }
Hash({'b' => 'a', 'a' => 'Hello', 'd' => 'Hello'}.map |$k, $v| { $k }).each |$i, $v| {
  notify { "n6-${i}": message => Integer(3.7) }
}
