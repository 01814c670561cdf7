define wrapper::item ($v = 1) {
  notify { "item ${title}": }
}
class outer::inner {
  wrapper::item { 'Thing_One': }
  file { '/tmp/t': ensure => file, tag => ['extra', 'Mixed'] }
}
include outer::inner
