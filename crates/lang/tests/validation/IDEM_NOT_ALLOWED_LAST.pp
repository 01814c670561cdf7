class a {
  1
}
