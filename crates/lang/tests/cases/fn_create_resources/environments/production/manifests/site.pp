$users = { 'u1' => { 'uid' => 1 }, 'u2' => { 'uid' => 2 } }
create_resources('user', $users, { 'ensure' => 'present' })
define thing($v) { notify { "thing-${title}-${v}": } }
create_resources(thing, { 'a' => { 'v' => 1 } })
