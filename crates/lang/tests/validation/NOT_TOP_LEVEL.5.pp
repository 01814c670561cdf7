if true {
  class a {}
  node b {}
}
