class a {
  class b {}
}
