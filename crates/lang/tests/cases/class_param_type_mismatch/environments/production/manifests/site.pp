class typed (Integer $port = 80) { }
class { 'typed': port => 'eighty' }
