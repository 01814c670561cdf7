notify { 'n1': message => (true and true) }
notify { 'n2': message => String(type([])) }
notify { 'n3': message => ['ab,cd', 42].slice(2).map |$p| { size($p) }.map |$x| { "${x}" }[0] }
Notify { withpath => x }
notify { 'n4': message => ['b', 'Hello', 'ab,cd'] }
