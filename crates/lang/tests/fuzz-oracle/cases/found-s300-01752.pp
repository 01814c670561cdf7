notify { 'n1': message => -0 }
notify { 'n2': message => Boolean(Enum['a', 'b']) }
class c0(Array[String, 1] $p) {
  notify { 'n3': message => $p }
  notify { 'n4': message => "${p}-${title}-${name}" }
}
class { 'c0': }
