node /^node\d+/ { notify { 'regex': } }
node 'node01.example.com' { notify { 'exact': } }
node default { notify { 'default': } }
