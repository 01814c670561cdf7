node a {}
node "A" {}
