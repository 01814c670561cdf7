$env = $server_facts['environment']
notify { 'x': message => "env=${env} ${::environment} ${facts['networking']['fqdn']} ${trusted['certname']}" }
