# near miss of ILLEGAL_DEFINITION_LOCATION and ILLEGAL_TOP_CONSTRUCT_LOCATION
class loc {}
class loc::a {}
define loc_b {}
