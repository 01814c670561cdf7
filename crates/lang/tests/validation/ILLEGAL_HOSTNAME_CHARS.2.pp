node a, 'b!' {}
