notify { 'from 00': }
$shared = 'x'
