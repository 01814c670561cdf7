define a::thing {
  notify { "thing ${title}": }
}
