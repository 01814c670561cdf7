class web (
  $port = 80,
  $vhosts = [],
) {
  notify { "web port ${port}": }
}
class { 'web':
  port   => 8080,
  vhosts => ['a', 'b'],
}
class { 'other': }
class other { notify { 'other': } }
