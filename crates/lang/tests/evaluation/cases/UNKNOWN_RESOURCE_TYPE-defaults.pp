Nosuchtype { x => 1 }
notify { 'r': }
