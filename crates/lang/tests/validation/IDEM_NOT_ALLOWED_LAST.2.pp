define d {
  notice(1)
  $x = 1
  "x${x}"
}
