function f(*$x) {}
