class a {
  if true { notice(1) }
  []
}
