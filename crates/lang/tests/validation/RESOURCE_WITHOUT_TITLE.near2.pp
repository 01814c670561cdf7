file { "/a": ensure => file, }
file { "/b": ; "/c": mode => "0644" ; }
