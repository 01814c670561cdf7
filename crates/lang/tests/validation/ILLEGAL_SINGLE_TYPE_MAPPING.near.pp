type Runtime['ruby', 'X'] = Integer
