notify { 'before': }
Notify { message => 'dflt' }
notify { 'after': }
notify { 'explicit': message => 'mine' }
