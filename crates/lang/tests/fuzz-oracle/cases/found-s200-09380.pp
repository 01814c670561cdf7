['a', 'b'].each |$i, $v| {
  notify { "n1-${i}": message => if false { $v } else { 1 } }
}
notify { 'n2': message => String(type([], generalized)) }
notify { 'n3': message => ('10' in [3, 7, '3.5']) }
notify { 'n4': message => Integer(3.7) }
notify { 'n5': message => 'A' }
Notify { withpath => true }
notify { 'n6': message => ([] << {}) }
Notify { tag => notice }
notify { 'n7': message => empty(['a']) }
