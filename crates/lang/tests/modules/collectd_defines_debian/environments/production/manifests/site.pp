node default {
  class { 'collectd':
    manage_repo => false,
    typesdb     => ['/usr/share/collectd/types.db', '/etc/collectd/my_types.db'],
    include     => ['/etc/collectd/extra.conf'],
    minimum_version => '5.8',
  }
  class { 'collectd::plugin::threshold':
    interval => 60,
    types    => [{ 'name' => 'load', 'data_source' => 'midterm', 'warning_max' => 4, 'failure_max' => 8.5, 'persist' => true, 'hits' => 3 }],
    plugins  => [{ 'name' => 'interface', 'instance' => 'eth0', 'types' => [{ 'name' => 'if_octets', 'failure_max' => 10000000, 'data_source' => 'rx', 'invert' => false }] }],
    hosts    => [{ 'name' => 'db1.example.com', 'types' => [{ 'name' => 'cpu', 'instance' => 'idle', 'failure_min' => 10, 'percentage' => true }], 'plugins' => [{ 'name' => 'memory', 'types' => [{ 'name' => 'memory', 'instance' => 'cached', 'warning_min' => 100000000, 'hysteresis' => 3, 'interesting' => true }] }] }],
  }
  collectd::plugin::aggregation::aggregator { 'cpu':
    plugin           => 'cpu',
    agg_type         => 'cpu',
    groupby          => ['Host', 'TypeInstance'],
    calculateaverage => true,
    calculatesum     => true,
  }
  collectd::plugin::apache::instance { 'localhost':
    url      => 'http://localhost/server-status?auto',
    user     => 'collectd',
    password => 'hoh2Coo6',
  }
  class { 'collectd::plugin::curl': }
  collectd::plugin::curl::page { 'stock_quotes':
    url            => 'http://finance.google.com/finance?q=NYSE%3AAMD',
    user           => 'foo',
    password       => 'bar',
    matches        => [{ 'dstype' => 'GaugeAverage', 'instance' => 'AMD', 'regex' => ']*> *([0-9]*\\.[0-9]+)', 'type' => 'stock_value' }],
    measureresponsetime => true,
  }
  collectd::plugin::dbi::database { 'monitoring_node1':
    driver       => 'mysql',
    host         => 'hostname',
    databasename => 'monitoring_db',
    selectdb     => 'database',
    query        => ['disk_io_data'],
    driveroption => { 'host' => 'db.example.com', 'username' => 'dbuser' },
  }
  collectd::plugin::dbi::query { 'disk_io_data':
    statement => 'SELECT * FROM $table;',
    minversion => '40102',
    results   => [{ 'type' => 'gauge', 'instanceprefix' => 'value', 'instancesfrom' => ['instance'], 'valuesfrom' => ['value'] }],
  }
  collectd::plugin::exec::cmd { 'dummy':
    user  => 'nobody',
    group => 'nogroup',
    exec  => ['/bin/echo', 'PUTVAL myhost/foo/gauge-flat N:1'],
    notification_exec => ['/usr/local/bin/notify'],
  }
  collectd::plugin::filecount::directory { 'foodir':
    path          => '/path/to/dir',
    pattern       => '*.conf',
    mtime         => '-5m',
    recursive     => true,
    includehidden => false,
  }
  collectd::plugin::filter::chain { 'MyChain':
    target => 'return',
  }
  collectd::plugin::filter::rule { 'MyRule':
    chain => 'MyChain',
  }
  collectd::plugin::filter::match { 'MyMatch':
    chain   => 'MyChain',
    rule    => 'MyRule',
    plugin  => 'regex',
    options => { 'Host' => 'customer[0-9]+', 'Plugin' => '^foobar$' },
  }
  collectd::plugin::filter::target { 'MyTarget':
    chain   => 'MyChain',
    rule    => 'MyRule',
    plugin  => 'set',
    options => { 'PluginInstance' => 'coretemp', 'TypeInstance' => 'core3' },
  }
  collectd::plugin::genericjmx::mbean { 'garbage_collector':
    object_name     => 'java.lang:type=GarbageCollector,*',
    instance_prefix => 'gc-',
    instance_from   => ['name'],
    values          => [{ 'mbean_type' => 'invocations', 'table' => false, 'attribute' => 'CollectionCount' }, { 'mbean_type' => 'total_time_in_ms', 'instance_prefix' => 'collection_time', 'table' => false, 'attribute' => 'CollectionTime' }],
  }
  collectd::plugin::genericjmx::connection { 'java_app':
    host        => 'app.example.com',
    service_url => 'service:jmx:rmi:///jndi/rmi://localhost:17264/jmxrmi',
    collect     => ['memory-heap', 'memory-nonheap', 'garbage_collector'],
    user        => 'monitor',
    password    => 'secret',
  }
  collectd::plugin::mysql::database { 'betadase':
    host        => 'localhost',
    username    => 'stahmna',
    password    => 'secret',
    port        => '3306',
    masterstats => true,
    slavestats  => true,
    innodbstats => true,
  }
  collectd::plugin::network::listener { 'hostname':
    port           => 25826,
    securitylevel  => 'Encrypt',
    authfile       => '/etc/collectd/passwd',
    interface      => 'eth0',
  }
  collectd::plugin::network::server { 'hostname':
    port          => 25826,
    securitylevel => 'Sign',
    username      => 'user',
    password      => 'secret',
    interface     => 'eth0',
    resolveinterval => 30,
  }
  collectd::plugin::nut::ups { 'ups1@localhost': }
  collectd::plugin::oracle::query { 'out_of_stock':
    statement => 'SELECT category, COUNT(*) AS value FROM products WHERE in_stock = 0 GROUP BY category',
    results   => [{ 'type' => 'gauge', 'instances_from' => ['category'], 'values_from' => ['value'] }],
  }
  collectd::plugin::oracle::database { 'product_information':
    connect_id => 'db01',
    username   => 'oracle',
    password   => 'secret',
    query      => ['out_of_stock'],
  }
  collectd::plugin::perl::plugin { 'foo':
    module        => 'Collectd::Plugins::Foo',
    include_dir   => '/tmp/',
    provider      => 'file',
    source        => 'puppet:///modules/myorg/foo.pm',
    destination   => '/path/to/my/perl/lib',
    config        => { 'foo' => 'bar', 'key' => { 'subkey' => 'value' }, 'list' => ['a', 'b'] },
  }
  collectd::plugin::postgresql::database { 'monitoring_node1':
    databasename => 'monitoring',
    port     => 5433,
    instance => 'node1',
    host     => 'monitoring.example.com',
    user     => 'collectd',
    password => 'passwd',
    query    => ['log_delay', 'disk_io'],
    writer   => 'sqlstore',
  }
  collectd::plugin::postgresql::query { 'log_delay':
    statement => 'SELECT * FROM log_delay_repli;',
    params    => ['database'],
    results   => [{ 'type' => 'gauge', 'instanceprefix' => 'log_delay', 'instancesfrom' => 'inet_server_port', 'valuesfrom' => 'log_delay' }],
  }
  collectd::plugin::postgresql::writer { 'sqlstore':
    statement  => 'SELECT collectd_insert($1, $2, $3, $4, $5, $6, $7, $8, $9);',
    storerates => true,
  }
  collectd::plugin::powerdns::server { 'pdns':
    collect => ['latency', 'recursing-answers', 'recursing-questions'],
    socket  => '/var/run/pdns.controlsocket',
  }
  collectd::plugin::powerdns::recursor { 'pdns_recursor':
    collect => ['cache-hits', 'cache-misses'],
  }
  collectd::plugin::processes::process { 'collectd':
    collect_context_switch  => true,
    collect_file_descriptor => false,
  }
  collectd::plugin::processes::processmatch { 'java':
    regex                   => '.*java.*',
    collect_memory_maps     => true,
  }
  collectd::plugin::python::module { 'spam':
    script_source => 'puppet:///modules/myorg/spam.py',
    config        => [{ 'Key1' => 'val1', 'Key2' => ['val2', 3, true] }],
  }
  collectd::plugin::snmp::data { 'amavis_incoming_messages':
    type     => 'counter',
    table    => false,
    instance => 'amavis.inMsgs',
    values   => ['AMAVIS-MIB::inMsgs.0'],
  }
  collectd::plugin::snmp::host { 'scan04':
    address   => '192.168.1.2',
    version   => 1,
    community => 'public',
    collect   => ['amavis_incoming_messages'],
    interval  => 300,
  }
  collectd::plugin::tail::file { 'exim-log':
    filename => '/var/log/exim4/mainlog',
    instance => 'exim',
    matches  => [{ 'regex' => 'S=([1-9][0-9]*)', 'dstype' => 'CounterAdd', 'type' => 'ipt_bytes', 'instance' => 'total' }, { 'regex' => '\\<R=local_user\\>', 'excluderegex' => 'foo', 'dstype' => 'CounterInc', 'type' => 'counter', 'instance' => 'local_user' }],
  }
  collectd::plugin::write_graphite::carbon { 'graphite':
    graphitehost    => 'graphite.example.com',
    graphiteport    => 2004,
    graphitepostfix => '.collectd',
    interval        => 10,
    protocol        => 'udp',
  }
  collectd::plugin::curl_json { 'rabbitmq_overview':
    url      => 'http://localhost:55672/api/overview',
    instance => 'rabbitmq_overview',
    host     => 'rabbit1',
    interval => 10,
    user     => 'user',
    password => 'password',
    digest   => true,
    header   => 'Accept: application/json',
    post     => '{"query": "select \"a\" from b", "limit": 10}',
    timeout  => 1000,
    keys     => { 'message_stats/publish' => { 'type' => 'gauge' }, 'queue_totals/messages' => { 'type' => 'gauge', 'instance' => 'total' } },
  }
  collectd::plugin::curl_json { 'plain_post':
    url        => '/var/run/app.sock',
    instance   => 'app',
    post       => 'not json at all',
    verifypeer => false,
    verifyhost => false,
    cacert     => '/etc/ssl/ca.pem',
    keys       => { 'stats/requests' => { 'type' => 'counter' } },
  }
}
