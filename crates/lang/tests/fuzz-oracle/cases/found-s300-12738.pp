notify { 'n1': message => min(10, 1) }
notify { 'n2': message => 'é'[1] }
case [[], 2].flatten {
  /^a/, Pattern[/^a/]: { notify { 'n3': message => 10 } }
  default: { notify { 'n4': message => (Enum['a', 'b'] < String[1]) } }
}
notify { 'n5': message => sprintf('%s', (0 << 0)) }
Notify { withpath => x }
notify { 'n6': message => false ? { true => 100, default => 42 } }
