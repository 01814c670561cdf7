class plans {}
