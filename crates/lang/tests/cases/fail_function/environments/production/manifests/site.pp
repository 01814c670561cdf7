notice('before')
if $facts['os']['family'] == 'Debian' {
  fail("unsupported ${facts['os']['name']}")
}
