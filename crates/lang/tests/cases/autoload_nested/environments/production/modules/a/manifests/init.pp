class a {
  notify { 'a': }
}
