class c(Enum['a', 'b'] $v) {}
class { 'c': v => 'z' }
