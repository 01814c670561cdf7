class a {
  if true { 1 }
}
