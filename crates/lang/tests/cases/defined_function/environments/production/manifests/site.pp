class present_class { }
include present_class
package { 'p': }
$r = [defined(Class['present_class']), defined('present_class'), defined('absent_class'), defined(Package['p']), defined(Package['q']), defined('$facts'), defined('$nope'), defined('notify')]
notify { 'defined': message => $r }
