define d(*$x) {}
