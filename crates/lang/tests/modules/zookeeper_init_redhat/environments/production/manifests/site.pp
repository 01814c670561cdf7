node default {
  class { 'zookeeper':
    servers             => ['10.0.0.1', '10.0.0.2', '10.0.0.3'],
    id                  => '3',
    manage_service_file => true,
    service_provider    => 'init',
  }
}
