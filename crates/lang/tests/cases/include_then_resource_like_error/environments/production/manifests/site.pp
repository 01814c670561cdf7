class dup ($p = 1) { }
include dup
class { 'dup': p => 2 }
