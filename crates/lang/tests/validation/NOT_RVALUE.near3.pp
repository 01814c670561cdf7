Class["a"] -> 1
