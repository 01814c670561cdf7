notify { 'n1': message => true }
notify { 'n2': message => String(type({'a' => '3.5'})) }
case "${'a'}-${(true)}" {
  Hash[String, Integer]: { notify { 'n3': message => ({} - {'b' => 'true', 'a' => -5}) } }
  default: { notify { 'n4': message => 'true' } }
}
