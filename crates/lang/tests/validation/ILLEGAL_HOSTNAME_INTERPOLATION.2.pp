node "a${x}b", "c$y" {}
