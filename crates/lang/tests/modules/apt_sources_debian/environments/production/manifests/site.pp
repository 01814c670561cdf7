node default {
  include apt
  apt::source { "puppetlabs":
    location => "http://apt.puppetlabs.com",
    repos    => "main",
    release  => "bookworm",
    key      => { "id" => "6F6B15509CF8E59E6E469F327F438280EF8D349F", "server" => "keyserver.ubuntu.com" },
  }
  apt::pin { "stable": priority => 600, release => "stable" }
  apt::conf { "norecommends": content => "APT::Install-Recommends \"false\";" }
}
