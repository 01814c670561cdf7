class web($port = 80, $ssl = false) { notify { "web-${port}-${ssl}": } }
class { 'web': port => 443, ssl => true }
