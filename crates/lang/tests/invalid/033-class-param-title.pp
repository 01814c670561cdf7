class a($title) {}
