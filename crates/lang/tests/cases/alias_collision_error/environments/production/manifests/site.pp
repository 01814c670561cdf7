notify { 'first': alias => 'same' }
notify { 'second': alias => 'same' }
