notify { 'a': }
Notify['b'] -> Notify['a']
