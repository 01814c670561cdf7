class a {
  node 'x' {}
}
