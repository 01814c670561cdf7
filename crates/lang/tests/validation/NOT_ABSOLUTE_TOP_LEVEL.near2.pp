class a {
  type A::T = Integer
}
