node "ab" {}
