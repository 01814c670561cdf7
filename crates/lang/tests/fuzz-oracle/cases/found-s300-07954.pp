if true {
  notify { 'n1': message => Integer(Variant[Integer, String]) }
} else {
  notify { 'n2': message => 7 }
}
notify { 'n3': message => [] }
notify { 'n4': message => [7, 100, 2][1] }
notify { 'n5': }
notify { 'n6': }
Notify['n5'] <- Notify['n6']
