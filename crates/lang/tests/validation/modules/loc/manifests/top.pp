# ILLEGAL_TOP_CONSTRUCT_LOCATION
notice(1)
class loc::top {}
$x = 1 + 2
node default {}
