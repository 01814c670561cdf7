define d(
  String $title,
) {}
