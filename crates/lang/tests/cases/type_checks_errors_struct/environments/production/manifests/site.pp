class c(Struct[{ name => String, port => Integer }] $cfg) {}
class { 'c': cfg => { 'name' => 'x', 'port' => 'bad' } }
