Notify { nope => 1 }
notify { 'a': }
