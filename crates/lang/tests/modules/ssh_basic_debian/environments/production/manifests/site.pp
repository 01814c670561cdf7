node default {
  class { "ssh":
    storeconfigs_enabled => false,
    server_options       => {
      "PasswordAuthentication" => "no",
      "Match User backup"      => { "ChrootDirectory" => "/srv/backup" },
    },
    client_options       => { "Host *" => { "ForwardAgent" => "no" } },
  }
}
