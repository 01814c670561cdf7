$v0 = 7
$v1 = ((['Hello'] << $v0) << [42, '10'])
Notify { withpath => true }
notify { 'n1': message => ($v1 - [0, 'A']) }
notify { 'n2': message => assert_type(Array[Integer], []) }
notify { 'n3': message => ''['42'] }
