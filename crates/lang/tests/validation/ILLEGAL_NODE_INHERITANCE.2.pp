node a inherits "b" {}
node "c d" {}
