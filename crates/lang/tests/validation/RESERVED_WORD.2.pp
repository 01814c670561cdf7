$x = { attr => 1 }
