rt_thing { 'a': value => '1' }
rt_thing { 'b': key => 'other-key', value => '2' }
rt_pair { 'x:y': note => 'from title' }
rt_pair { 'plain': first => 'p', second => 'q' }
rt_pair { 'solo': }
