notify { 'pair': message => join([@(A), @(B)], '+') }
alpha
| A
beta
|- B
notify { 'after': message => 'ok' }
