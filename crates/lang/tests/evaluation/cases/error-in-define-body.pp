define d($x) {
  $y = $x + 'q'
}
d { 'a': x => 1 }
