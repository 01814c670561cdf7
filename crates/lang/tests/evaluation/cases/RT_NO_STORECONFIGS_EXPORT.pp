@@notify { 'r': }
