node default {
  class { 'apt': }
  apt::ppa { 'ppa:ondrej/php': }
  apt::ppa { 'ppa:deadsnakes/ppa':
    options => ['-y', '-m'],
  }
}
