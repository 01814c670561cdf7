class c($a, *$x) {}
