function rf::double(Integer $n) >> Integer {
  $n * 2
}
