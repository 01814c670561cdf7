class users {
  @user { 'deploy': ensure => present }
}
class app {
  include users
  realize User['deploy']
}
include app
