Puppet::Functions.create_function(:'rf::with_scope', Puppet::Functions::InternalFunction) do
  dispatch :with_scope do
    scope_param
  end

  def with_scope(scope)
    "fqdn=#{scope['facts']['networking']['fqdn']} top=#{scope.lookupvar('::r').class}"
  end
end
