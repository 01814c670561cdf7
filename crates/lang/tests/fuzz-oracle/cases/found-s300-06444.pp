case Boolean(0) {
  2: { notify { 'n1': message => (default / /a/) } }
  default: { notify { 'n2': message => ['42', 1] } }
}
notify { 'n3': message => {}.each |$x| { $x } }
