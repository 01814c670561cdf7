define mydef($content = $title) {
  file { "/tmp/${title}": content => $content }
}
mydef { 'one': }
mydef { 'two': content => 'x', require => Mydef['one'] }
