class a {
  $x = [1, 2].map |$v| { $v * 2 }
  $y = $x.filter |$v| { $v > 2 }
  notice($y)
  File { mode => "0644" }
  file { "/tmp/a": ensure => file } -> Package["x"]
  Package <| tag == "x" |> { ensure => latest }
}
