define svc::unit ($unit_name = $name, $enabled = true) {
  notify { "unit ${title} name=${name} unit=${unit_name} ${enabled}": }
}
svc::unit { 'web': name => 'nginx-web' }
svc::unit { 'db': enabled => false }
