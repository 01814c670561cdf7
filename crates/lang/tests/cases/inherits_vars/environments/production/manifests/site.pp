class params {
  $port = 80
  $user = 'www'
}
class app inherits params {
  notify { "port ${port} user ${user} qualified ${params::port}": }
}
include app
$top = 'topvalue'
class reader { notify { "top ${top} ${::top}": } }
include reader
