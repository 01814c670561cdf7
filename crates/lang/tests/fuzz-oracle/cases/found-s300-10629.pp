if (-1 in [7]) {
  notify { 'n1': message => {'b' => 10}.filter |$k, $v| { $k != 'd' } }
} else {
  notify { 'n2': message => ['0x1F'][2.5] }
}
notify { 'n3': message => if (10 in [7, -1, 'a']) { 100 } else { -1 } }
Notify { tag => true }
notify { 'n4': message => [3, 'Hello'].reduce({}) |$m, $v| { $m + { "${v}" => $v } } }
notify { 'n5': }
notify { 'n6': }
Notify['n5'] <- Notify['n6']
notify { 'n7': }
notify { 'n8': }
Notify['n7'] <- Notify['n8']
