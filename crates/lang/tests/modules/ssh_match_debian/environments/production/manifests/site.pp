node default {
  class { 'ssh': storeconfigs_enabled => false }
  ssh::server::match_block { 'sftpusers':
    type    => 'Group',
    options => {
      'ChrootDirectory'        => '/sftp/%u',
      'ForceCommand'           => 'internal-sftp',
      'AllowTcpForwarding'     => 'no',
    },
  }
  ssh::server::match_block { 'admin':
    options => { 'PasswordAuthentication' => 'yes', 'PermitRootLogin' => 'no' },
  }
}
