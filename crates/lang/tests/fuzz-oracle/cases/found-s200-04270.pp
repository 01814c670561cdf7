case 'A' {
  /^a/: { notify { 'n1': message => split('10', '[a-c]') } }
  default: { notify { 'n2': message => {} } }
}
notify { 'n3': message => [1, 'true', 100].map |$x| { "${x}" }[0] }
notify { 'n4': message => assert_type(Float[0.0, 1.0], 2.5) }
notify { 'n5': }
notify { 'n6': }
Notify['n5'] -> Notify['n6']
notify { 'n7': message => (true and (true or false)) }
notify { 'n8': message => ['true'] }
notify { 'n9': message => [10].filter |$x| { $x =~ Integer[1] } }
