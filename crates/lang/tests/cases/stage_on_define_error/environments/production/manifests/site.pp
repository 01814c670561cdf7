define wrapper() { notify { $title: } }
wrapper { 'w': stage => 'main' }
