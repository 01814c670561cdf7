notify { 'facts':
  message => [$facts['networking']['fqdn'], $::hostname, $hostname, $facts['os']['release']['major'], $trusted['certname'], $trusted['authenticated'], $::domain, $clientcert],
}
notify { 'server': message => $server_facts['environment'] }
notify { 'env': message => $environment }
