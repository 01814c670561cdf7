notice($1a)
