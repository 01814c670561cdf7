@group { 'staff': ensure => present }
@group { 'wheel': ensure => present }
@group { 'unused': ensure => present }
realize(Group['staff'], Group['wheel'])
realize Group['staff']
