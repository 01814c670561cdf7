if true {
  class a {}
}
