notify { 'r': message => "[${nope}]" }
