notice($::_private)
