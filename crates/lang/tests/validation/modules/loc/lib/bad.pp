# ILLEGAL_DEFINITION_LOCATION (not under manifests/)
class loc::bad {}
