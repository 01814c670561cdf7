rt_thing { 'a': value => '1', bogus => true }
