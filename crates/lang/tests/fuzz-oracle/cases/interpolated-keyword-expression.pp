$v0 = "x${if true { 0 } else { -1 }}"
notify { "a": message => [$v0, "${unless false { 1 }}", "${case 1 { 1: { b } }}"] }
