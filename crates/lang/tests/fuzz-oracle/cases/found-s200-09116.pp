$v0 = ['3.5', '10']
case ('A'[{'a' => '42'}] =~ Array[String, 1]) {
  3: { notify { 'n1': message => (['3.5', 'a', 'Hello'] << {'c' => 0, 'a' => -1, 'd' => 'A'}[/a/]) } }
  default: { notify { 'n2': message => $v0 } }
}
