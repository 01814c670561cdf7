function util::early(Integer $n) >> String {
  if $n > 1 { return('many') }
  'one'
}
