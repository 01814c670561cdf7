define d() {
  class inner {}
}
