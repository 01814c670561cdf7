$x = 'a' in { 'a' => 1 }
notify { "${x}": }
