$osname = 'Ubuntu'
case $osname {
  'debian', 'ubuntu': { $fam = 'debian' }
  'redhat', 'centos': { $fam = 'rh' }
  default: { $fam = 'other' }
}
notify { 'x': message => $fam }
