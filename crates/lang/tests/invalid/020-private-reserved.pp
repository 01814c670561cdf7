$x = {
  private => 1 }
