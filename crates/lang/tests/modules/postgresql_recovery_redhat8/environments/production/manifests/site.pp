node default {
  class { 'postgresql::globals':
    version             => '12',
    manage_package_repo => false,
  }
  class { 'postgresql::server':
    port                 => 5433,
    manage_recovery_conf => true,
  }
  postgresql::server::recovery { 'standby':
    restore_command           => 'cp /mnt/server/archivedir/%f %p',
    archive_cleanup_command   => 'pg_archivecleanup /mnt/server/archivedir %r',
    recovery_target_timeline  => 'latest',
    recovery_target_inclusive => true,
    standby_mode              => 'on',
    primary_conninfo          => 'host=primary.example.com port=5432 user=replicator',
    primary_slot_name         => 'standby1',
    trigger_file              => '/tmp/postgresql.trigger',
    recovery_min_apply_delay  => 60,
  }
}
