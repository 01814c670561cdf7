class c(Struct[{ 'a' => Integer }] $p = {}) { }
include c
