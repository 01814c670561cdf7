$x = Resource['bad name']
