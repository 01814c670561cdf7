Puppet::Type.type(:rt_thing).provide(:ruby) do
  def exists?; true; end
end
