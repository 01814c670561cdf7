class a {
  notice(1)
  type A::T = Integer
}
