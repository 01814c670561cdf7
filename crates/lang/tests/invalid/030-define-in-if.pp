if true {
  define d() {}
}
