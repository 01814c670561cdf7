$x = epp('nope/x.epp')
