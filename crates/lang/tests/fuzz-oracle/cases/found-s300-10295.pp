$v0 = ('10' =~ /x y/)
$v1 = strip(split('', ',')[0])
Notify { tag => x }
notify { 'n1': message => 'true'[-1] }
$v2 = !((default =~ String[0, 2]) =~ Variant[Integer, String])
notify { 'n2': message => if ($v1 =~ /[0-9]+/) { 2 } else { -1 } }
Notify { withpath => true }
notify { 'n3': message => -2.5 }
