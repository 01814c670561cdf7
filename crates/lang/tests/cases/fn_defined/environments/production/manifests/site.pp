class present_class {}
define present_define() {}
notify { 'n': }
$r = [defined('present_class'), defined('missing_class'), defined('present_define'), defined('notify'), defined(Notify['n']),
  defined(Notify['m']), defined('$r2'), defined('$facts')]
notify { 'x': message => "${r}" }
