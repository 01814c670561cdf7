file { '/tmp/x/': ensure => directory }
file { '/tmp/y': ensure => file, require => File['/tmp/x'] }
sshkey { 'host.example.com@ssh-rsa': key => 'AAAA', ensure => present }
sshkey { 'other.example.com': type => 'ssh-ed25519', key => 'BBBB' }
notify { 'after': require => [Sshkey['host.example.com@ssh-rsa'], Sshkey['other.example.com']] }
