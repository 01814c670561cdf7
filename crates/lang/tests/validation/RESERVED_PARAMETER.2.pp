class c($x, $title) {}
