file { 'a': path => '/y' }
package { 'p': }
package { 'q': name => 'p', provider => 'pip' }
exec { 'e1': command => '/bin/true' }
exec { 'e2': command => '/bin/true' }
