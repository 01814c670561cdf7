$r = [versioncmp('1.2.3', '1.10'), versioncmp('2.0', '2.0'), versioncmp('2.0.1', '2.0'), versioncmp('1.0a', '1.0')]
notify { 'x': message => "${r}" }
