node 1.5 {}
