notify { 'n1': }
notify { 'n2': }
Notify['n1'] <- Notify['n2']
notify { 'n3': }
notify { 'n4': }
Notify['n3'] <- Notify['n4']
notify { 'n5': message => 100 }
notify { 'n6': message => Boolean[/a/] }
notify { 'n7': message => (Boolean('') and ('a' =~ Array[String, 1])) }
