$v0 = [-1]
notify { 'n1': message => keys({ 'ab,cd' => {'d' => 'a', 'a' => -5, 'c' => 100}, 'z' => Numeric[false] }) }
Notify { withpath => debug }
notify { 'n2': message => "${'ab,cd'}-${(false)}" }
unless !true {
  notify { 'n3': message => 'true' }
} else {
  notify { 'n4': message => $v0 }
}
