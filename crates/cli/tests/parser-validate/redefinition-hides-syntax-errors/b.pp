define bar( {}
