$t = 1
Resource[$t] { 'a': }
