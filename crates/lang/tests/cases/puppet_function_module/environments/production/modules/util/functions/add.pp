function util::add(Integer $a, Integer $b) >> Integer {
  $a + $b
}
