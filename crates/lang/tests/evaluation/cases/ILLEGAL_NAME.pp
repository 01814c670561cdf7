$x = Class['Bad-Name']
