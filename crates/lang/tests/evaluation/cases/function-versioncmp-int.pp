$x = versioncmp(1, 2)
