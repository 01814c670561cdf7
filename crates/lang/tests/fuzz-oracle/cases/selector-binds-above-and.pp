notify { 'a': message => (true and 1 ? { 1 => false, default => true }) }
