case 3 { 1: { fail('x') } }
notify { 'r': }
