type MyPort = Integer[1, 65535]
class svc(MyPort $port) {}
class { 'svc': port => 0 }
