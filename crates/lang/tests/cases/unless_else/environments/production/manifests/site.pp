unless $facts['nosuch'] { notify { 'ran': } } else { notify { 'not': } }
unless true { notify { 'never': } } else { notify { 'else': } }
