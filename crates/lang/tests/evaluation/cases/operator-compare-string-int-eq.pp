$x = '1' == 1
notify { "${x}": }
