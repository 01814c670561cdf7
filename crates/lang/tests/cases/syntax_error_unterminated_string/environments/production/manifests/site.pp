class a {
  $x = "abc
  notice($x)
}
