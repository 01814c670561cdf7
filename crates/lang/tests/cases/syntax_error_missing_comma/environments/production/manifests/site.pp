file { '/a':
  mode => '0644'
  owner => 'root',
}
