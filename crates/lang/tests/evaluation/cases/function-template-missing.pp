$x = template('nope/x.erb')
