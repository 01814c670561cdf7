node default {
  class { 'zookeeper':
    servers             => ['10.0.0.1', '10.0.0.2', '10.0.0.3'],
    id                  => '2',
    manage_service_file => true,
    service_provider    => 'systemd',
    use_sasl_auth       => true,
    sasl_users          => { 'kafka' => 'kafka-secret', 'admin' => 'admin-secret' },
  }
}
