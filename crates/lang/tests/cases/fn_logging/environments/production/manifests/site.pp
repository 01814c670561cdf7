notice('n')
info('i')
warning('w')
debug('d')
err('e')
notify { 'x': }
