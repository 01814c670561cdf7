Hash({'a' => 1, 'b' => 2}).each |$v| {
  notify { "n1-${v}": message => [-5, $v, 'é'] }
}
notify { 'n2': message => Hash[String, Integer][7] }
notify { 'n3': message => NotUndef[false] }
$v0 = (sort([-5]) =~ NotUndef)
notify { 'n4': }
notify { 'n5': }
Notify['n4'] ~> Notify['n5']
