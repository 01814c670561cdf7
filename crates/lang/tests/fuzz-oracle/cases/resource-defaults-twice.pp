Notify { tag => 'a' }
Notify { tag => 'b' }
