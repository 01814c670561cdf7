notify { 'a': before => [Notify['b'], Notify['c']] }
