notify { 'a': message => ('0x1F' == true ? { true => 'yes', default => 'no' }) }
