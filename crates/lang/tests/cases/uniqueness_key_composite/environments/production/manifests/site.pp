package { 'p': }
package { 'q': name => 'p' }
