return(1)
notify { 'r': }
