class c { }
class { 'c': y => 1 }
