class c(Struct[{ 'a' => Integer, Optional['b'] => String }] $x) { }
class { 'c': x => { 'a' => 1, 'c' => 2 } }
