node "a*" {}
