@user { 'alice': ensure => present, uid => 1001, tag => ['admins'] }
@user { 'bob': ensure => present, uid => 1002 }
@user { 'carol': ensure => present, uid => 1003, tag => ['ops'] }
User <| tag == 'admins' or title == 'carol' |>
