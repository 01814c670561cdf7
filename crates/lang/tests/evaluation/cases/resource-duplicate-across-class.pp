class c { notify { 'a': } }
notify { 'a': }
include c
