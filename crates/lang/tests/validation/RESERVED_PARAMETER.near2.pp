define mymod::thing(
  $ensure = present,
  $content = undef,
) {
  file { "/etc/${title}":
    ensure  => $ensure,
    content => $content,
  }
}
mymod::thing { "x": }
