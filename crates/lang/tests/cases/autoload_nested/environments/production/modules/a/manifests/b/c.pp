class a::b::c {
  notify { 'a::b::c': }
  a::thing { 'one': }
}
