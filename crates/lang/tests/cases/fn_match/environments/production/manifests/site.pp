$m = 'abc123'.match(/([a-z]+)(\d+)/)
$n = 'xyz'.match(/\d/)
$a = ['a1', 'b'].match(/\w(\d)?/)
notify { 'x': message => "${m} [${n}] ${a}" }
