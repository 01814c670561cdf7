[1].each |$b, *$a| {}
function f(*$a, $b) {}
