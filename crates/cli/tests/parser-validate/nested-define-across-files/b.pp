class a {
  define b() {}
}
