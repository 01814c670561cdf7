node default {
  include xinetd
  xinetd::service { "tftp":
    port        => "69",
    server      => "/usr/sbin/in.tftpd",
    server_args => "-s /var/lib/tftp",
    protocol    => "udp",
    socket_type => "dgram",
    cps         => "100 2",
    flags       => "IPv4",
    per_source  => "11",
  }
}
