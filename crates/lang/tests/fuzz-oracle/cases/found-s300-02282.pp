notify { 'n1': message => (10 << 1) }
Notify { withpath => true }
notify { 'n2': message => String(type((['x y'] - [100]), generalized)) }
