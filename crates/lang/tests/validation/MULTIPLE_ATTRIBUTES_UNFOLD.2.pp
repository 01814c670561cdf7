file { "/a": mode => 1, * => {}, ensure => file, * => { x => 1 } }
