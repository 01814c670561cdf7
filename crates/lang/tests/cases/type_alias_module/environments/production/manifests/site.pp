class { 'util::svc': port => 22 }
notify { 'x': message => "${(22 =~ Util::Port)} ${('x' =~ Util::Port)}" }
