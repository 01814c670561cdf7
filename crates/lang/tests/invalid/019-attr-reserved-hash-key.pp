$h = {
  attr => 1,
}
