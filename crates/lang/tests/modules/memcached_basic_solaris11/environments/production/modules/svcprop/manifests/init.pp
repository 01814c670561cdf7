# Stands in for the svcprop type of a Solaris SMF module (memcached uses it on Solaris and does
# not ship it): the catalog holds the property value memcached renders from its template.
define svcprop (
  String $fmri,
  String $property,
  String $value,
  Enum['present', 'absent'] $ensure = 'present',
) {
}
