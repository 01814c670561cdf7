node default {
  concat { '/etc/motd':
    owner => 'root',
    group => 'root',
    mode  => '0644',
  }
  concat::fragment { 'motd_header':
    target  => '/etc/motd',
    content => "Welcome\n",
    order   => '01',
  }
  concat::fragment { 'motd_footer':
    target  => '/etc/motd',
    content => "Bye\n",
    order   => '99',
  }
}
