notify { 'no nodes at all': }
