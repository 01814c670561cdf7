rt_pair { 'x:y': }
rt_pair { 'other': first => 'x', second => 'y' }
