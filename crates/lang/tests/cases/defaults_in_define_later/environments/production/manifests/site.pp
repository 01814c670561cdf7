define later::thing {
  notify { "thing ${title}": }
}
later::thing { 'one': }
Notify { message => 'from default' }
notify { 'direct': }
