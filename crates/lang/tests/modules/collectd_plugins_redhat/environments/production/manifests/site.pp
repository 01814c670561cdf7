node default {
  class { 'collectd': manage_repo => false }
  class { 'collectd::plugin::bind': url => 'http://localhost:8053/' }
  class { 'collectd::plugin::ceph': daemons => ['ceph-osd.0', 'ceph-mon.a'] }
  class { 'collectd::plugin::mongodb': db_user => 'collectd', db_pass => 'secret' }
  class { 'collectd::plugin::nginx': url => 'http://localhost/status' }
  class { 'collectd::plugin::ping': hosts => ['192.0.2.1', 'example.com'] }
  class { 'collectd::plugin::table': tables => { '/proc/slabinfo' => { 'instance' => 'slabinfo', 'separator' => ' ', 'results' => [{ 'type' => 'gauge', 'instance_prefix' => 'active_objs', 'instances_from' => [0], 'values_from' => [1] }] } } }
  class { 'collectd::plugin::tail_csv': metrics => { 'snort-dropped' => { 'type' => 'gauge', 'value_from' => 1, 'instance' => 'dropped' } }, files => { '/var/log/snort/snort.stats' => { 'collect' => ['snort-dropped'], 'plugin' => 'snortstats', 'instance' => 'eth0', 'interval' => 600, 'time_from' => 5 } } }
  class { 'collectd::plugin::virt': connection => 'qemu:///system' }
  class { 'collectd::plugin::write_riemann': nodes => [{ 'name' => 'riemann', 'host' => 'riemann.example.com', 'port' => 5555, 'protocol' => 'TCP', 'batch' => true }] }
  include collectd::plugin::aggregation
  include collectd::plugin::amqp
  include collectd::plugin::amqp1
  include collectd::plugin::apache
  include collectd::plugin::battery
  include collectd::plugin::cgroups
  include collectd::plugin::chain
  include collectd::plugin::connectivity
  include collectd::plugin::conntrack
  include collectd::plugin::contextswitch
  include collectd::plugin::cpu
  include collectd::plugin::cpufreq
  include collectd::plugin::csv
  include collectd::plugin::cuda
  include collectd::plugin::curl
  include collectd::plugin::dbi
  include collectd::plugin::df
  include collectd::plugin::disk
  include collectd::plugin::dns
  include collectd::plugin::entropy
  include collectd::plugin::ethstat
  include collectd::plugin::exec
  include collectd::plugin::fhcount
  include collectd::plugin::filecount
  include collectd::plugin::filter
  include collectd::plugin::fscache
  include collectd::plugin::genericjmx
  include collectd::plugin::hddtemp
  include collectd::plugin::hugepages
  include collectd::plugin::intel_pmu
  include collectd::plugin::intel_rdt
  include collectd::plugin::interface
  include collectd::plugin::ipc
  include collectd::plugin::ipmi
  include collectd::plugin::iptables
  include collectd::plugin::irq
  include collectd::plugin::iscdhcp
  include collectd::plugin::java
  include collectd::plugin::load
  include collectd::plugin::logfile
  include collectd::plugin::lvm
  include collectd::plugin::memcached
  include collectd::plugin::memory
  include collectd::plugin::mysql
  include collectd::plugin::netlink
  include collectd::plugin::nfs
  include collectd::plugin::ntpd
  include collectd::plugin::numa
  include collectd::plugin::nut
  include collectd::plugin::openldap
  include collectd::plugin::openvpn
  include collectd::plugin::oracle
  include collectd::plugin::ovs_events
  include collectd::plugin::ovs_stats
  include collectd::plugin::perl
  include collectd::plugin::postgresql
  include collectd::plugin::powerdns
  include collectd::plugin::processes
  include collectd::plugin::procevent
  include collectd::plugin::protocols
  include collectd::plugin::python
  include collectd::plugin::rabbitmq
  include collectd::plugin::redis
  include collectd::plugin::rrdcached
  include collectd::plugin::rrdtool
  include collectd::plugin::sensors
  include collectd::plugin::smart
  include collectd::plugin::snmp
  include collectd::plugin::statsd
  include collectd::plugin::swap
  include collectd::plugin::sysevent
  include collectd::plugin::syslog
  include collectd::plugin::tail
  include collectd::plugin::target_v5upgrade
  include collectd::plugin::tcpconns
  include collectd::plugin::thermal
  include collectd::plugin::threshold
  include collectd::plugin::turbostat
  include collectd::plugin::unixsock
  include collectd::plugin::uptime
  include collectd::plugin::users
  include collectd::plugin::uuid
  include collectd::plugin::varnish
  include collectd::plugin::vmem
  include collectd::plugin::write_graphite
  include collectd::plugin::write_http
  include collectd::plugin::write_kafka
  include collectd::plugin::write_log
  include collectd::plugin::network
  include collectd::plugin::write_prometheus
  include collectd::plugin::write_sensu
  include collectd::plugin::write_tsdb
  include collectd::plugin::zfs_arc
  include collectd::plugin::zookeeper
}
