notify { 'n1': message => split('42'[-1], ',')[0] }
Notify { tag => x }
notify { 'n2': message => [-5].reduce(0) |$m, $v| { $m + $m } }
notify { 'n3': message => 2 }
notify { 'n4': message => 100 }
notify { 'n5': message => ['3.5'] }
notify { 'n6': message => type({'b' => '3.5'}) }
