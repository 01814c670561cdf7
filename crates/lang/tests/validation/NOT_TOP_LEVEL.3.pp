if true {
  node default {}
}
