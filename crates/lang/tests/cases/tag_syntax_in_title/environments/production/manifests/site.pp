notify { 'Has Space': }
notify { 'good_tag': }
notify { 'UPPER': }
