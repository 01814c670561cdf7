notify { 'x': message => String(util::add(1, 2)) }
notify { 'y': message => util::early(5) }
