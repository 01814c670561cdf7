define d($title, *$r, $x, $x) {
  1
}
