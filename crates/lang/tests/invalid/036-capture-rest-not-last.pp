function f(*$a, $b) {}
