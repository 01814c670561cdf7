case ''[String[0, 2]] {
  /^a/, Any: { notify { 'n1': message => "x${-1}" } }
  default: { notify { 'n2': message => 42 } }
}
notify { 'n3': message => {'c' => 1, 'b' => 'x y', 'a' => 10} }
if !false {
  notify { 'n4': message => String(['a', 'é', 'Hello']) }
} else {
  notify { 'n5': message => ({'d' => 7} - {'c' => '10'}) }
}
if false {
  notify { 'n6': message => -{} }
} else {
  notify { 'n7': message => if true { 3 } else { 3 } }
}
notify { 'n8': message => {'c' => 0, 'a' => 'true'} }
