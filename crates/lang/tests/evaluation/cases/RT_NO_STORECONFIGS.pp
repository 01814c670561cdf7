Notify <<| |>>
notify { 'r': }
