unless $facts['x'] {
  notify { 'a': }
} elsif true {
  notify { 'b': }
}
