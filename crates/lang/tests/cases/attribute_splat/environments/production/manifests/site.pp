$attrs = { 'ensure' => 'file', 'mode' => '0600' }
file { '/tmp/s': * => $attrs, owner => 'root' }
